package dev.kafkaoauth.login.examples.bench;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.examples.EmbeddedKafkaBroker;
import dev.kafkaoauth.login.examples.EmbeddedOAuthServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.security.auth.callback.Callback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Our handler and Kafka's built-in {@code OAuthBearerLoginCallbackHandler} side by side, in one
 * JVM, against one embedded OAuth server and broker on 127.0.0.1. Each handler asks the OAuth
 * server through a counting proxy of its own, so identity-provider requests are counted per
 * handler. A program, not a test: it prints one table.
 *
 * <pre>
 * mvn -B -q -pl examples exec:java \
 *   -Dexec.mainClass=dev.kafkaoauth.login.examples.bench.LoginBenchmark
 * </pre>
 */
public final class LoginBenchmark {

    static final String COMMAND = "mvn -B -q -pl examples exec:java"
            + " -Dexec.mainClass=dev.kafkaoauth.login.examples.bench.LoginBenchmark";

    private static final String LOGIN_MODULE =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    private static final String ALLOWED_URLS = "org.apache.kafka.sasl.oauthbearer.allowed.urls";
    private static final String OUR_THREADS = "kafka-oauth-login";
    private static final long LONG_LIFETIME_SECONDS = 3600;
    private static final long SHORT_LIFETIME_SECONDS = 6;
    private static final int PARALLEL_CLIENTS = 50;
    private static final int SEQUENTIAL_PRODUCERS = 100;
    private static final int KEPT_CLIENTS = 20;
    private static final int KEPT_LIFETIMES = 10;
    private static final long SLOW_IDP_MS = 200;
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final int OUR_WARMUP = 20_000;
    private static final int OUR_ITERATIONS = 200_000;
    private static final int KAFKA_WARMUP = 20;
    private static final int KAFKA_ITERATIONS = 200;
    private static final int OUR_CREDENTIAL_SETS = 1000;
    private static final int KAFKA_HANDLERS = 200;
    private static final Duration TIME_LIMIT = Duration.ofMinutes(5);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    /** One handler under test, with its own proxy to the OAuth server. */
    private record Side(String name, String handlerClass, TokenProxy proxy) {
    }

    private final EmbeddedOAuthServer idp;
    private final EmbeddedKafkaBroker broker;
    private final Side ours;
    private final Side kafka;
    private final List<String[]> rows = new ArrayList<>();

    private LoginBenchmark(EmbeddedOAuthServer idp, EmbeddedKafkaBroker broker, Side ours,
            Side kafka) {
        this.idp = idp;
        this.broker = broker;
        this.ours = ours;
        this.kafka = kafka;
    }

    public static void main(String[] args) throws Exception {
        startWatchdog();
        // The JDK HTTP server of the proxies otherwise leaves Nagle on: every answer to Kafka's
        // handler would wait ~40 ms for a delayed ACK, which is the proxy's cost, not Kafka's.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.out.println("command: " + COMMAND);
        long started = System.nanoTime();
        String previousAllowed = System.getProperty(ALLOWED_URLS);
        try (EmbeddedOAuthServer idp = EmbeddedOAuthServer.start();
                TokenProxy ourProxy = TokenProxy.start(idp.tokenEndpointUrl());
                TokenProxy kafkaProxy = TokenProxy.start(idp.tokenEndpointUrl())) {
            idp.audience("kafka").claims(Map.of("scope", "kafka"))
                    .tokenLifetimeSeconds(LONG_LIFETIME_SECONDS);
            allow(previousAllowed, ourProxy.url(), kafkaProxy.url());
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().oauthServer(idp)
                    .expectedAudience("kafka").start()) {
                LoginBenchmark bench = new LoginBenchmark(idp, broker,
                        new Side("ours", OAuthLoginCallbackHandler.class.getName(), ourProxy),
                        new Side("kafka", OAuthBearerLoginCallbackHandler.class.getName(),
                                kafkaProxy));
                bench.run();
                bench.print();
            }
        } finally {
            if (previousAllowed == null) {
                System.clearProperty(ALLOWED_URLS);
            } else {
                System.setProperty(ALLOWED_URLS, previousAllowed);
            }
        }
        System.out.printf("total run time: %.0f s%n", (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }

    private void run() throws Exception {
        scenarioParallelClients();
        scenarioSequentialProducers();
        scenarioKeptOpen();
        scenarioSlowIdentityProvider();
        scenarioHandleLatency();
        scenarioHeapAndThreads();
        scenarioUnavailableIdentityProvider();
    }

    // a) 50 clients with 50 logicalCluster values created at once.
    private void scenarioParallelClients() throws Exception {
        String[] row = {"a) IdP requests, " + PARALLEL_CLIENTS + " admin clients, "
                + PARALLEL_CLIENTS + " logicalCluster values, created at once", "", ""};
        for (Side side : List.of(ours, kafka)) {
            long before = side.proxy.requests();
            ParallelResult r = createInParallel(side, "bench-a-" + side.name, true);
            row[column(side)] = (side.proxy.requests() - before) + "  (" + r.connected + "/"
                    + PARALLEL_CLIENTS + " connected)";
        }
        rows.add(row);
    }

    // b) 100 producers created and closed one after another.
    private void scenarioSequentialProducers() {
        String[] row = {"b) IdP requests, " + SEQUENTIAL_PRODUCERS
                + " producers created and closed in turn", "", ""};
        for (Side side : List.of(ours, kafka)) {
            long before = side.proxy.requests();
            long start = System.nanoTime();
            Map<String, Object> config = clientConfig(side, "bench-b-" + side.name, "");
            for (int i = 0; i < SEQUENTIAL_PRODUCERS; i++) {
                KafkaProducer<String, String> producer = new KafkaProducer<>(config,
                        new StringSerializer(), new StringSerializer());
                producer.close(Duration.ofSeconds(5));
            }
            row[column(side)] = (side.proxy.requests() - before) + "  (in "
                    + seconds(System.nanoTime() - start) + " s)";
        }
        rows.add(row);
    }

    // c) 20 clients kept open over 10 token lifetimes; both handlers at the same time.
    private void scenarioKeptOpen() throws Exception {
        idp.tokenLifetimeSeconds(SHORT_LIFETIME_SECONDS);
        long runSeconds = SHORT_LIFETIME_SECONDS * KEPT_LIFETIMES;
        long ourBefore = ours.proxy.requests();
        long kafkaBefore = kafka.proxy.requests();
        List<Admin> admins = new ArrayList<>();
        int ourThreadsOpen;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < KEPT_CLIENTS; i++) {
                for (Side side : List.of(ours, kafka)) {
                    admins.add(Admin.create(clientConfig(side, "bench-c-" + side.name,
                            "extension_logicalCluster=\"lkc-c" + i + "\"")));
                }
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(runSeconds) / 2);
            ourThreadsOpen = countThreads(OUR_THREADS);
            Thread.sleep(TimeUnit.SECONDS.toMillis(runSeconds) / 2);
        } finally {
            closeAll(admins);
            idp.tokenLifetimeSeconds(LONG_LIFETIME_SECONDS);
        }
        double window = (System.nanoTime() - start) / 1e9;
        List<Long> arrivals = ours.proxy.arrivalsSince(start);
        StringBuilder gaps = new StringBuilder();
        for (int i = 1; i < arrivals.size(); i++) {
            gaps.append(String.format(Locale.ROOT, " %.2f",
                    (arrivals.get(i) - arrivals.get(i - 1)) / 1e9));
        }
        System.out.println("c) ours: seconds between token requests:" + gaps);
        long bound = (long) Math.ceil(window / (0.6 * SHORT_LIFETIME_SECONDS)) + 1;
        rows.add(new String[] {"c) IdP requests, " + KEPT_CLIENTS + " admin clients ("
                + KEPT_CLIENTS + " logicalCluster values) open " + runSeconds + " s, "
                + SHORT_LIFETIME_SECONDS + " s tokens",
                (ours.proxy.requests() - ourBefore) + "  (bound " + bound + " for "
                        + String.format(Locale.ROOT, "%.1f", window) + " s)",
                String.valueOf(kafka.proxy.requests() - kafkaBefore)});
        rows.add(new String[] {"c) threads " + OUR_THREADS + "* while those "
                + 2 * KEPT_CLIENTS + " clients are open", String.valueOf(ourThreadsOpen),
                "-"});
    }

    // d) time to create the 50 clients of (a) when the identity provider answers in 200 ms.
    private void scenarioSlowIdentityProvider() throws Exception {
        String[] row = {"d) wall time to create the " + PARALLEL_CLIENTS
                + " clients of (a), IdP answers in " + SLOW_IDP_MS + " ms", "", ""};
        for (Side side : List.of(ours, kafka)) {
            side.proxy.delayMs(SLOW_IDP_MS);
            try {
                long before = side.proxy.requests();
                ParallelResult r = createInParallel(side, "bench-d-" + side.name, false);
                row[column(side)] = r.createMs + " ms  (" + (side.proxy.requests() - before)
                        + " requests)";
            } finally {
                side.proxy.delayMs(0);
            }
        }
        rows.add(row);
    }

    // e) handle() latency on a warm cache.
    private void scenarioHandleLatency() throws Exception {
        String[] row = {"e) handle() latency, warm, median / p99 (us)", "", ""};
        for (Side side : List.of(ours, kafka)) {
            boolean isOurs = side == ours;
            int warmup = isOurs ? OUR_WARMUP : KAFKA_WARMUP;
            int iterations = isOurs ? OUR_ITERATIONS : KAFKA_ITERATIONS;
            AuthenticateCallbackHandler handler = configuredHandler(side, "bench-e-" + side.name);
            try {
                long[] nanos = new long[iterations];
                for (int i = -warmup; i < iterations; i++) {
                    OAuthBearerTokenCallback callback = new OAuthBearerTokenCallback();
                    Callback[] callbacks = {callback};
                    long t0 = System.nanoTime();
                    handler.handle(callbacks);
                    long elapsed = System.nanoTime() - t0;
                    if (callback.token() == null) {
                        throw new IllegalStateException(side.name + " handle() gave no token: "
                                + callback.errorCode() + " " + callback.errorDescription());
                    }
                    if (i >= 0) {
                        nanos[i] = elapsed;
                    }
                }
                Arrays.sort(nanos);
                row[column(side)] = String.format(Locale.ROOT, "%.3f / %.3f  (n=%d)",
                        nanos[iterations / 2] / 1e3, nanos[(int) (iterations * 0.99)] / 1e3,
                        iterations);
            } finally {
                handler.close();
            }
        }
        rows.add(row);
    }

    // f) heap per cached credential set, and our threads with handlers open and closed.
    private void scenarioHeapAndThreads() throws Exception {
        long base = usedHeapAfterGc();
        List<AuthenticateCallbackHandler> handlers = new ArrayList<>();
        for (int i = 0; i < OUR_CREDENTIAL_SETS; i++) {
            AuthenticateCallbackHandler h = configuredHandler(ours, "bench-f-ours-" + i);
            handlers.add(h);
            h.handle(new Callback[] {new OAuthBearerTokenCallback()});
        }
        long openHeap = usedHeapAfterGc();
        int threadsOpen = countThreads(OUR_THREADS);
        handlers.forEach(AuthenticateCallbackHandler::close);
        handlers.clear();
        long cachedHeap = usedHeapAfterGc();
        int threadsClosed = awaitNoThreads(OUR_THREADS, Duration.ofSeconds(5));

        long kafkaBase = usedHeapAfterGc();
        for (int i = 0; i < KAFKA_HANDLERS; i++) {
            AuthenticateCallbackHandler h = configuredHandler(kafka, "bench-f-kafka-" + i);
            handlers.add(h);
            h.handle(new Callback[] {new OAuthBearerTokenCallback()});
        }
        long kafkaHeap = usedHeapAfterGc();
        handlers.forEach(AuthenticateCallbackHandler::close);
        handlers.clear();

        rows.add(new String[] {"f) heap per cached credential set after its handler closed"
                + " (" + OUR_CREDENTIAL_SETS + " sets)",
                kb((cachedHeap - base) / OUR_CREDENTIAL_SETS), "- (no cache)"});
        rows.add(new String[] {"f) heap per open handler with its token (ours "
                + OUR_CREDENTIAL_SETS + ", Kafka " + KAFKA_HANDLERS + ")",
                kb((openHeap - base) / OUR_CREDENTIAL_SETS),
                kb((kafkaHeap - kafkaBase) / KAFKA_HANDLERS)});
        rows.add(new String[] {"f) threads " + OUR_THREADS + "* with " + OUR_CREDENTIAL_SETS
                + " handlers open / after all closed", threadsOpen + " / " + threadsClosed,
                "-"});
    }

    // g) token requests per minute from 20 open clients while the IdP answers 503 for 30 s.
    private void scenarioUnavailableIdentityProvider() throws Exception {
        idp.tokenLifetimeSeconds(SHORT_LIFETIME_SECONDS);
        List<Admin> admins = new ArrayList<>();
        long ourRequests;
        long kafkaRequests;
        double window;
        try {
            for (int i = 0; i < KEPT_CLIENTS; i++) {
                for (Side side : List.of(ours, kafka)) {
                    admins.add(Admin.create(clientConfig(side, "bench-g-" + side.name,
                            "extension_logicalCluster=\"lkc-g" + i + "\"")));
                }
            }
            long ourBefore = ours.proxy.requests();
            long kafkaBefore = kafka.proxy.requests();
            long start = System.nanoTime();
            ours.proxy.mode(TokenProxy.Mode.UNAVAILABLE);
            kafka.proxy.mode(TokenProxy.Mode.UNAVAILABLE);
            Thread.sleep(OUTAGE.toMillis());
            ourRequests = ours.proxy.requests() - ourBefore;
            kafkaRequests = kafka.proxy.requests() - kafkaBefore;
            window = (System.nanoTime() - start) / 1e9;
        } finally {
            ours.proxy.mode(TokenProxy.Mode.FORWARD);
            kafka.proxy.mode(TokenProxy.Mode.FORWARD);
            closeAll(admins);
            idp.tokenLifetimeSeconds(LONG_LIFETIME_SECONDS);
        }
        rows.add(new String[] {"g) IdP requests per minute, " + KEPT_CLIENTS + " admin clients"
                + " open, IdP answers 503 for " + OUTAGE.toSeconds() + " s, "
                + SHORT_LIFETIME_SECONDS + " s tokens", perMinute(ourRequests, window),
                perMinute(kafkaRequests, window)});
    }

    private static String perMinute(long requests, double seconds) {
        return String.format(Locale.ROOT, "%.0f  (%d in %.1f s)", requests * 60 / seconds,
                requests, seconds);
    }

    private record ParallelResult(long createMs, int connected) {
    }

    /** Creates the clients from as many threads at once, then (optionally) uses each. */
    private ParallelResult createInParallel(Side side, String clientId, boolean connect)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CLIENTS);
        List<Admin> admins = new ArrayList<>();
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Admin>> created = new ArrayList<>();
            for (int i = 0; i < PARALLEL_CLIENTS; i++) {
                Map<String, Object> config = clientConfig(side, clientId,
                        "extension_logicalCluster=\"lkc-" + i + "\"");
                Callable<Admin> create = () -> {
                    gate.await();
                    return Admin.create(config);
                };
                created.add(pool.submit(create));
            }
            long start = System.nanoTime();
            gate.countDown();
            for (Future<Admin> f : created) {
                admins.add(f.get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
            long createMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            int connected = 0;
            if (connect) {
                List<org.apache.kafka.common.KafkaFuture<String>> ids = new ArrayList<>();
                admins.forEach(admin -> ids.add(admin.describeCluster().clusterId()));
                for (org.apache.kafka.common.KafkaFuture<String> id : ids) {
                    try {
                        id.get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        connected++;
                    } catch (Exception e) {
                        // counted as not connected; the table shows how many did
                    }
                }
            }
            return new ParallelResult(createMs, connected);
        } finally {
            pool.shutdownNow();
            closeAll(admins);
        }
    }

    private static void closeAll(List<Admin> admins) {
        admins.parallelStream().forEach(admin -> admin.close(Duration.ofSeconds(5)));
        admins.clear();
    }

    private AuthenticateCallbackHandler configuredHandler(Side side, String clientId) {
        Map<String, Object> config = clientConfig(side, clientId, "");
        Map<String, ?> values = new AdminClientConfig(config).values();
        Map<String, Object> options = new HashMap<>();
        options.put("clientId", clientId);
        options.put("clientSecret", "bench-secret");
        options.put("scope", "kafka");
        AuthenticateCallbackHandler handler = side == ours ? new OAuthLoginCallbackHandler()
                : new OAuthBearerLoginCallbackHandler();
        handler.configure(values, "OAUTHBEARER", List.of(new AppConfigurationEntry(
                LOGIN_MODULE, LoginModuleControlFlag.REQUIRED, options)));
        return handler;
    }

    private Map<String, Object> clientConfig(Side side, String clientId, String extraJaas) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH));
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "OAUTHBEARER");
        config.put("sasl.login.callback.handler.class", side.handlerClass);
        config.put("sasl.oauthbearer.token.endpoint.url", side.proxy.url());
        config.put("sasl.jaas.config", LOGIN_MODULE + " required clientId=\"" + clientId
                + "\" clientSecret=\"bench-secret\" scope=\"kafka\" " + extraJaas + ";");
        config.put("request.timeout.ms", "20000");
        config.put("default.api.timeout.ms", "30000");
        return config;
    }

    private int column(Side side) {
        return side == ours ? 1 : 2;
    }

    private void print() {
        int w0 = "scenario".length();
        int w1 = "ours".length();
        for (String[] row : rows) {
            w0 = Math.max(w0, row[0].length());
            w1 = Math.max(w1, row[1].length());
        }
        String format = "%-" + w0 + "s | %-" + w1 + "s | %s%n";
        System.out.println();
        System.out.printf(format, "scenario", "ours", "Kafka built-in");
        System.out.println("-".repeat(w0) + "-|-" + "-".repeat(w1) + "-|-" + "-".repeat(20));
        for (String[] row : rows) {
            System.out.printf(format, (Object[]) row);
        }
        System.out.println("threads " + OUR_THREADS + "* at the end: "
                + countThreads(OUR_THREADS));
    }

    private static void allow(String previous, String... urls) {
        List<String> entries = new ArrayList<>();
        if (previous != null && !previous.isBlank()) {
            entries.add(previous);
        }
        entries.addAll(List.of(urls));
        System.setProperty(ALLOWED_URLS, String.join(",", entries));
    }

    private static int countThreads(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private static int awaitNoThreads(String prefix, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        int n = countThreads(prefix);
        while (n > 0 && System.nanoTime() < end) {
            Thread.sleep(50);
            n = countThreads(prefix);
        }
        return n;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    /** The whole run is bounded: a hung client must not hang the build machine. */
    private static void startWatchdog() {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TIME_LIMIT.toMillis());
                System.err.println("LoginBenchmark: not done within " + TIME_LIMIT
                        + "; stopping");
                Runtime.getRuntime().halt(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
