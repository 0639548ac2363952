package dev.kafkaoauth.login.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The socket factory given to each HTTPS connection of one handler: it turns on host name
 * verification inside the TLS handshake (so it holds whatever the JVM's default verifier is)
 * and, with a proxy, hands {@code HttpsURLConnection} a plain socket that tunnels through the
 * proxy with {@code CONNECT} first (the JDK's own tunnel refuses Basic proxy credentials unless
 * a JVM-wide property is changed).
 */
final class TlsSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;
    private final boolean verifyHostname;
    private final ProxyTunnel tunnel;

    /**
     * @param tunnel opens tunnels through a proxy, or null to connect directly
     */
    TlsSocketFactory(SSLSocketFactory delegate, boolean verifyHostname, ProxyTunnel tunnel) {
        this.delegate = delegate;
        this.verifyHostname = verifyHostname;
        this.tunnel = tunnel;
    }

    /** The same TLS settings, connecting through a proxy. */
    TlsSocketFactory through(ProxyTunnel proxyTunnel) {
        return new TlsSocketFactory(delegate, verifyHostname, proxyTunnel);
    }

    @Override
    public Socket createSocket() throws IOException {
        // HttpsURLConnection connects this socket, then layers TLS over it (below).
        return tunnel != null ? tunnel.newSocket() : configure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
            throws IOException {
        return configure(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
            throws IOException {
        return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
            int localPort) throws IOException {
        return configure(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    private Socket configure(Socket socket) {
        if (verifyHostname && socket instanceof SSLSocket) {
            SSLSocket ssl = (SSLSocket) socket;
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
        }
        return socket;
    }
}
