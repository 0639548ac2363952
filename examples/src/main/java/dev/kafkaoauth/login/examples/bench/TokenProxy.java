package dev.kafkaoauth.login.examples.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token endpoint in front of another one, on 127.0.0.1 and a random port: it counts the
 * requests of one handler and can answer late, as a slow identity provider does, or fail as
 * one in an outage does (503, or no answer at all until the client's read timeout).
 */
public final class TokenProxy implements AutoCloseable {

    /** What the proxy does with the requests that arrive from now on. */
    public enum Mode {
        /** Relays to the upstream token endpoint (after the delay, if one is set). */
        FORWARD,
        /** Answers 503 with a small HTML page, as a load balancer with no backend does. */
        UNAVAILABLE,
        /** Reads the request, never answers, and closes the connection after the stall. */
        STALL
    }

    /**
     * One request as the proxy saw it.
     *
     * @param arrivalNanos its arrival, in {@link System#nanoTime()}
     * @param mode the mode it was handled in
     * @param status the status sent back, or -1 when none was sent
     */
    public record Hit(long arrivalNanos, Mode mode, int status) {
        public boolean succeeded() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * One form parameter of one request, for tests that check what a client sent (an
     * assertion, say). Kept apart from {@link Hit} so that printing hits shows no credential.
     *
     * @param arrivalNanos the request's arrival, in {@link System#nanoTime()}
     * @param status the status sent back, or -1 when none was sent
     * @param value the parameter's decoded value, or null when the request had none
     */
    public record FormValue(long arrivalNanos, int status, String value) { }

    private static final List<String> FORWARDED = List.of("Authorization", "Content-Type",
            "Accept");

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final AtomicLong requests = new AtomicLong();
    private final Queue<Long> arrivals = new ConcurrentLinkedQueue<>();
    private final Queue<Hit> hits = new ConcurrentLinkedQueue<>();
    private final Queue<Map.Entry<Hit, byte[]>> bodies = new ConcurrentLinkedQueue<>();
    private volatile long delayMs;
    private volatile Mode mode = Mode.FORWARD;
    private volatile long stallMs = 3000;

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
    public static TokenProxy start(String upstreamUrl) throws IOException {
        URI uri = URI.create(upstreamUrl);
        if (!InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("upstream must be on loopback: " + upstreamUrl);
        }
        return new TokenProxy(uri);
    }

    /** The URL that handlers use: same path as upstream, on this proxy's port. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + upstream.getPath();
    }

    public long requests() {
        return requests.get();
    }

    /** Arrival times (System.nanoTime) of the requests since the given instant. */
    public List<Long> arrivalsSince(long nanos) {
        return arrivals.stream().filter(t -> t - nanos >= 0).toList();
    }

    /** The requests that arrived since the given instant, with how each was answered. */
    public List<Hit> hitsSince(long nanos) {
        return hits.stream().filter(h -> h.arrivalNanos - nanos >= 0).toList();
    }

    /** The value of one form parameter in each request, in order of arrival. */
    public List<FormValue> formValues(String name) {
        return bodies.stream().map(e -> new FormValue(e.getKey().arrivalNanos(),
                e.getKey().status(), formValue(e.getValue(), name))).toList();
    }

    private static String formValue(byte[] body, String name) {
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                    StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
                        StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public void delayMs(long ms) {
        this.delayMs = ms;
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** How long a request is held in {@link Mode#STALL} before its connection is closed. */
    public void stallMs(long ms) {
        this.stallMs = ms;
    }

    private void forward(HttpExchange exchange) throws IOException {
        long arrival = System.nanoTime();
        Mode current = mode;
        int status = -1;
        byte[] body = new byte[0];
        try (exchange) {
            requests.incrementAndGet();
            arrivals.add(arrival);
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (current == Mode.UNAVAILABLE) {
                status = unavailable(exchange);
            } else if (current == Mode.STALL) {
                // Closing the exchange without response headers drops the connection.
                Thread.sleep(stallMs);
            } else {
                long delay = delayMs;
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                status = relay(exchange, body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Hit hit = new Hit(arrival, current, status);
            hits.add(hit);
            bodies.add(Map.entry(hit, body));
        }
    }

    private static int unavailable(HttpExchange exchange) throws IOException {
        byte[] page = "<html><body><h1>503 Service Unavailable</h1></body></html>"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(503, page.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(page);
        }
        return 503;
    }

    private int relay(HttpExchange exchange, byte[] body)
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
        return response.statusCode();
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
