package dev.kafkaoauth.login.internal;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** A JDK HTTPS server on a random loopback port that answers every POST with a token. */
public final class TestTlsServer implements AutoCloseable {

    static final String TOKEN_JSON = "{\"access_token\":\"tls-opaque-token\","
            + "\"token_type\":\"Bearer\",\"expires_in\":300}";

    private final HttpsServer server;
    final AtomicInteger requests = new AtomicInteger();
    private volatile String lastBody;
    private volatile String lastAuthorization;

    public TestTlsServer(SSLContext context, boolean needClientAuth) throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/token", exchange -> {
            requests.incrementAndGet();
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            try (InputStream in = exchange.getRequestBody()) {
                lastBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            byte[] body = TOKEN_JSON.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Serves {@code json} as the discovery document of the issuer at this server's root. */
    void discovery(String json) {
        server.createContext("/.well-known/openid-configuration", exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    /** The body of the last request. */
    String lastBody() {
        return lastBody;
    }

    /** The Authorization header of the last request, or null. */
    String lastAuthorization() {
        return lastAuthorization;
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
