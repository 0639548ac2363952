package dev.kafkaoauth.login.examples.keycloak;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client's JWKS on 127.0.0.1 and a random port, for Keycloak clients whose keys Keycloak
 * reads from a URL ({@code use.jwks.url}). Serves whatever keys it was last given.
 */
public final class JwksServer implements AutoCloseable {

    private static final String PATH = "/client/jwks.json";

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String document = TestKeys.jwks(List.of());

    private JwksServer(HttpServer server) {
        this.server = server;
    }

    public static JwksServer start(List<TestKeys> keys) throws IOException {
        HttpServer s = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        JwksServer jwks = new JwksServer(s);
        jwks.keys(keys);
        s.createContext(PATH, exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                jwks.requests.incrementAndGet();
                byte[] body = jwks.document.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        s.start();
        return jwks;
    }

    /** {@code http://127.0.0.1:PORT/client/jwks.json}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Serves these public keys from now on. */
    public void keys(List<TestKeys> keys) {
        document = TestKeys.jwks(keys);
    }

    /** How many times the JWKS was fetched (by Keycloak). */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
