package dev.kafkaoauth.login.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.ServerSocketFactory;

/**
 * The test kit's socket pre-binding, on the loopback address.
 *
 * <p>Kafka's test kit binds the ports of its default listeners before the nodes start (the
 * controller quorum needs their numbers), and binds them on the wildcard address: every
 * interface of the machine. This subclass binds them on 127.0.0.1, so the embedded broker is
 * reachable from this machine only.
 */
final class LoopbackSocketFactoryManager extends PreboundSocketFactoryManager {

    private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
    private final Map<Integer, Set<String>> used = new HashMap<>();
    private boolean closed;

    @Override
    public synchronized int getOrCreatePortForListener(int nodeId, String listener)
            throws IOException {
        Map<String, ServerSocketChannel> nodeSockets =
                sockets.computeIfAbsent(nodeId, id -> new HashMap<>());
        ServerSocketChannel socket = nodeSockets.get(listener);
        if (socket == null) {
            if (closed) {
                throw new IllegalStateException("socket manager is closed");
            }
            InetSocketAddress loopback =
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            socket = ServerSocketFactory.INSTANCE.openServerSocket(listener, loopback, -1, -1);
            nodeSockets.put(listener, socket);
        }
        return ((InetSocketAddress) socket.getLocalAddress()).getPort();
    }

    @Override
    public synchronized ServerSocketChannel getSocketForListenerAndMarkAsUsed(
            int nodeId, String listener) {
        ServerSocketChannel socket = sockets.getOrDefault(nodeId, Map.of()).get(listener);
        if (socket != null) {
            used.computeIfAbsent(nodeId, id -> new HashSet<>()).add(listener);
        }
        return socket;
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        // Sockets handed to a node belong to it; only the ones never used are ours to close.
        sockets.forEach((nodeId, byListener) -> byListener.forEach((listener, socket) -> {
            if (!used.getOrDefault(nodeId, Set.of()).contains(listener)) {
                Utils.closeQuietly(socket, "unused pre-bound socket of " + listener);
            }
        }));
        super.close();
    }
}
