package dev.kafkaoauth.login.examples.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token endpoint in front of another one, on 127.0.0.1 and a random port: it counts the
 * requests of one handler and can answer late, as a slow identity provider does.
 */
final class TokenProxy implements AutoCloseable {

    private static final List<String> FORWARDED = List.of("Authorization", "Content-Type",
            "Accept");

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final AtomicLong requests = new AtomicLong();
    private final java.util.Queue<Long> arrivals =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile long delayMs;

    private TokenProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.executor = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "bench-token-proxy");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(executor).build();
        this.server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/", this::forward);
        server.setExecutor(executor);
        server.start();
    }

    /** A proxy of the given token endpoint (which must be on this machine). */
    static TokenProxy start(String upstreamUrl) throws IOException {
        URI uri = URI.create(upstreamUrl);
        if (!InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("upstream must be on loopback: " + upstreamUrl);
        }
        return new TokenProxy(uri);
    }

    /** The URL that handlers use: same path as upstream, on this proxy's port. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + upstream.getPath();
    }

    long requests() {
        return requests.get();
    }

    /** Arrival times (System.nanoTime) of the requests since the given instant. */
    List<Long> arrivalsSince(long nanos) {
        return arrivals.stream().filter(t -> t - nanos >= 0).toList();
    }

    void delayMs(long ms) {
        this.delayMs = ms;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            arrivals.add(System.nanoTime());
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            long delay = delayMs;
            if (delay > 0) {
                Thread.sleep(delay);
            }
            relay(exchange, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void relay(HttpExchange exchange, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream)
                .timeout(Duration.ofSeconds(10))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(
                        body));
        for (String name : FORWARDED) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        HttpResponse<byte[]> response = client.send(request.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        response.headers().firstValue("Content-Type").ifPresent(
                type -> exchange.getResponseHeaders().set("Content-Type", type));
        byte[] answer = response.body();
        exchange.sendResponseHeaders(response.statusCode(),
                answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
