package dev.kafkaoauth.login.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Opens sockets that reach their destination through an HTTP proxy's {@code CONNECT} tunnel,
 * sending the proxy's Basic credentials when it has some.
 */
final class ProxyTunnel {

    private static final int MAX_RESPONSE_HEAD = 16 * 1024;

    private final ProxyOptions proxy;
    private final int readTimeoutMs;

    ProxyTunnel(ProxyOptions proxy, int readTimeoutMs) {
        this.proxy = proxy;
        this.readTimeoutMs = readTimeoutMs;
    }

    Socket newSocket() {
        return new TunnelSocket();
    }

    /** The proxy refused the tunnel; 407 means its credentials are wrong or missing. */
    static final class TunnelRefusedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        TunnelRefusedException(String message, int status) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** A socket whose connect() goes to the proxy and asks it for a tunnel to the target. */
    private final class TunnelSocket extends Socket {

        TunnelSocket() {
            super(Proxy.NO_PROXY);
        }

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            connect(endpoint, 0);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            InetSocketAddress target = (InetSocketAddress) endpoint;
            super.connect(new InetSocketAddress(proxy.host(), proxy.port()), timeout);
            setSoTimeout(readTimeoutMs);
            String host = target.getHostString();
            String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
                    + target.getPort();
            StringBuilder request = new StringBuilder()
                    .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(authority).append("\r\n")
                    .append("User-Agent: ").append(Version.userAgent()).append("\r\n");
            if (proxy.hasCredentials()) {
                request.append("Proxy-Authorization: ").append(proxy.basicCredentials())
                        .append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(getInputStream());
            String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
            int status;
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (RuntimeException e) {
                close();
                throw new IOException("the proxy " + proxy.display()
                        + " gave no HTTP answer to CONNECT", e);
            }
            if (status / 100 != 2) {
                close();
                throw new TunnelRefusedException("the proxy " + proxy.display()
                        + " refused the tunnel to " + authority + " with HTTP " + status
                        + (status == 407 ? (proxy.hasCredentials()
                                ? ": it rejects the credentials in proxyUrl"
                                : ": it wants credentials, put them in proxyUrl") : ""),
                        status);
            }
        }

        /** Reads the answer's head byte by byte: nothing of the TLS handshake may be eaten. */
        private String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the proxy " + proxy.display()
                            + " closed the connection during CONNECT");
                }
                head.write(b);
                if (head.size() > MAX_RESPONSE_HEAD) {
                    throw new IOException("the proxy " + proxy.display()
                            + " sent an oversized answer to CONNECT");
                }
                matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b
                        ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
