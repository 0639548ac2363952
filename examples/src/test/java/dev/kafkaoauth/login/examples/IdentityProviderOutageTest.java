package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.examples.bench.TokenProxy;
import dev.kafkaoauth.login.examples.bench.TokenProxy.Hit;
import dev.kafkaoauth.login.examples.bench.TokenProxy.Mode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The identity provider goes down from just before the refresh point of a 60 s token until 5 s
 * before it expires: first it answers 503, then it stops answering (past the 2 s read timeout).
 * A producer and a consumer keep running through it against a broker that re-authenticates
 * every 10 s, and a client with another {@code extension_logicalCluster} starts in the middle
 * of it. The shared token carries them all, and the handler gets a new token by itself once the
 * provider is back, before the old one expires. All times count from the first token's request.
 */
class IdentityProviderOutageTest {

    private static final long LIFETIME_SECONDS = 60;
    private static final long HTTP_TIMEOUT_MS = 2000;
    private static final long REAUTH_MS = 10_000;
    private static final Duration FAIL_503_AT = Duration.ofSeconds(34);
    private static final Duration STALL_AT = Duration.ofSeconds(45);
    private static final Duration NEW_CLIENT_AT = Duration.ofSeconds(48);
    private static final Duration BACK_AT = Duration.ofSeconds(LIFETIME_SECONDS - 5);
    private static final Duration EXPIRY = Duration.ofSeconds(LIFETIME_SECONDS);
    private static final Duration RUN_TIME = Duration.ofSeconds(75);
    private static final Duration SEND_INTERVAL = Duration.ofMillis(20);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    /** A login that waited for the provider would take at least the read timeout. */
    private static final long NEW_CLIENT_BOUND_MS = 1500;
    private static final String TOPIC = "outage";

    /** What the test measured, printed once and then asserted. */
    private static final class Run {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong ackedAfterExpiry = new AtomicLong();
        final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        final Set<String> consumed = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        final AtomicLong newClientMs = new AtomicLong(-1);
        final AtomicLong newClientSuccesses = new AtomicLong(-1);
        final AtomicReference<Throwable> newClientFailure = new AtomicReference<>();
        final AtomicLong reauthsAtFailure = new AtomicLong();
        final AtomicLong reauthsAtReturn = new AtomicLong();
        final DoubleAdder clientFailedAuths = new DoubleAdder();
        long start;
        int loginRequests;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sharedToken_providerDownAcrossRefreshPoint_noLossNoAuthFailureNewTokenBeforeExpiry()
            throws Exception {
        try (EmbeddedOAuthServer idp = EmbeddedOAuthServer.start();
                TokenProxy proxy = TokenProxy.start(idp.tokenEndpointUrl())) {
            idp.audience("kafka").claims(Map.of("scope", "kafka"))
                    .tokenLifetimeSeconds(LIFETIME_SECONDS);
            proxy.stallMs(HTTP_TIMEOUT_MS + 1000);
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().oauthServer(idp)
                    .expectedAudience("kafka").connectionsMaxReauthMs(REAUTH_MS).start();
                    AllowedUrls tokenUrl = AllowedUrls.add(proxy.url())) {
                broker.createTopic(TOPIC, 1);
                runOutage(proxy, broker);
            }
        }
    }

    private void runOutage(TokenProxy proxy, EmbeddedKafkaBroker broker) throws Exception {
        // A client id of this run only: no other test's handler can share its token.
        String clientId = "outage-" + UUID.randomUUID();
        Map<String, Object> base = clientConfig(proxy, broker, clientId, "");
        Run run = new Run();
        AtomicBoolean consuming = new AtomicBoolean(true);
        ScheduledExecutorService director = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outage-director");
            t.setDaemon(true);
            return t;
        });
        long producedUntil;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(base),
                new StringSerializer(), new StringSerializer())) {
            List<Hit> first = proxy.hitsSince(0);
            assertTrue(!first.isEmpty() && first.stream().allMatch(Hit::succeeded),
                    "the producer's login: " + first);
            run.loginRequests = first.size();
            // The token was issued as the last of these arrived: every phase counts from here.
            run.start = first.get(first.size() - 1).arrivalNanos();
            schedule(director, run, FAIL_503_AT, () -> {
                run.reauthsAtFailure.set(broker.successfulReauthentications(
                        EmbeddedKafkaBroker.OAUTH));
                proxy.mode(Mode.UNAVAILABLE);
            });
            schedule(director, run, STALL_AT, () -> proxy.mode(Mode.STALL));
            schedule(director, run, NEW_CLIENT_AT,
                    () -> startNewClient(proxy, broker, clientId, run));
            schedule(director, run, BACK_AT, () -> {
                proxy.mode(Mode.FORWARD);
                run.reauthsAtReturn.set(broker.successfulReauthentications(
                        EmbeddedKafkaBroker.OAUTH));
            });
            Thread consumer = ConsumerLoop.start("outage-consumer", base, TOPIC, consuming,
                    run.consumed, run.consumerFailure,
                    c -> run.clientFailedAuths.add(failedAuthentications(c.metrics())));
            produce(producer, run);
            producer.flush();
            producedUntil = System.nanoTime();
            long drainEnd = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (run.consumed.size() < run.sent.get() && run.consumerFailure.get() == null
                    && System.nanoTime() < drainEnd) {
                Thread.sleep(100);
            }
            consuming.set(false);
            consumer.join(TimeUnit.SECONDS.toMillis(20));
            run.clientFailedAuths.add(failedAuthentications(producer.metrics()));
        } finally {
            director.shutdownNow();
        }
        report(proxy, broker, run, producedUntil);
    }

    private void report(TokenProxy proxy, EmbeddedKafkaBroker broker, Run run,
            long producedUntil) {
        List<Hit> hits = proxy.hitsSince(run.start);
        List<Hit> before = between(hits, run, Duration.ZERO, FAIL_503_AT);
        List<Hit> unavailable = between(hits, run, FAIL_503_AT, STALL_AT);
        List<Hit> stalled = between(hits, run, STALL_AT, BACK_AT);
        List<Hit> after = hits.stream()
                .filter(h -> h.arrivalNanos() - at(run, BACK_AT) >= 0).toList();
        Hit renewal = after.stream().filter(Hit::succeeded).findFirst().orElse(null);
        double renewalAt = renewal == null ? -1 : seconds(renewal.arrivalNanos() - run.start);
        long reauths = broker.successfulReauthentications(EmbeddedKafkaBroker.OAUTH);
        long brokerFailedAuths = broker.failedAuthentications(EmbeddedKafkaBroker.OAUTH);
        System.out.printf(Locale.ROOT, "outage: login requests %d; records %d sent, %d"
                + " acknowledged (%d after"
                + " the old token's expiry), %d consumed; re-authentications %d (%d during the"
                + " outage); failed authentications broker %d, clients %.0f; token requests"
                + " 0-34 s %d, 503 phase %d %s, stall phase %d %s, after 55 s %d; new token"
                + " requested at %.1f s; new client logged in and answered in %d ms with %d"
                + " successful token requests; produced for %.1f s%n",
                run.loginRequests, run.sent.get(), run.acked.get(),
                run.ackedAfterExpiry.get(),
                run.consumed.size(), reauths, run.reauthsAtReturn.get()
                        - run.reauthsAtFailure.get(), brokerFailedAuths,
                run.clientFailedAuths.sum(),
                before.size(), unavailable.size(), offsets(run, unavailable), stalled.size(),
                offsets(run, stalled), after.size(), renewalAt, run.newClientMs.get(),
                run.newClientSuccesses.get(), seconds(producedUntil - run.start));

        assertNull(run.sendFailure.get(), "a send failed");
        assertNull(run.consumerFailure.get(), "the consumer failed");
        assertEquals(run.sent.get(), run.acked.get(), "records acknowledged");
        assertEquals(run.sent.get(), run.consumed.size(), "records consumed");
        assertEquals(0, brokerFailedAuths, "the broker saw a failed (re-)authentication");
        assertEquals(0, run.clientFailedAuths.sum(), "a client saw a failed (re-)authentication");
        assertTrue(run.reauthsAtReturn.get() > run.reauthsAtFailure.get(),
                "no re-authentication during the outage");
        assertEquals(List.of(), before.stream().filter(h -> !h.succeeded()).toList(),
                "every request before the outage succeeds");
        assertTrue(unavailable.stream().allMatch(h -> h.status() == 503)
                && unavailable.size() >= 2, "the refresh was retried through the 503s: "
                + unavailable);
        assertTrue(!stalled.isEmpty() && stalled.stream().noneMatch(Hit::succeeded),
                "the refresh was retried through the stall: " + stalled);
        assertNull(run.newClientFailure.get(), "the client created during the outage failed");
        assertTrue(run.newClientMs.get() >= 0 && run.newClientMs.get() < NEW_CLIENT_BOUND_MS,
                "the client created during the outage took " + run.newClientMs.get() + " ms");
        assertEquals(0, run.newClientSuccesses.get(),
                "the client created during the outage caused a token request");
        assertTrue(renewal != null && renewal.arrivalNanos() - at(run, EXPIRY) < 0,
                "no new token before the old one expired; requests after 55 s: " + after);
        assertTrue(run.ackedAfterExpiry.get() > 0, "nothing was acknowledged after 60 s");
        assertTrue(broker.seenExtensions(EmbeddedKafkaBroker.OAUTH).stream()
                .anyMatch(ext -> "lkc-outage".equals(ext.get("logicalCluster"))),
                "the broker saw no login of the client created during the outage");
    }

    private static void schedule(ScheduledExecutorService director, Run run, Duration offset,
            Runnable action) {
        long delay = at(run, offset) - System.nanoTime();
        director.schedule(action, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private static long at(Run run, Duration offset) {
        return run.start + offset.toNanos();
    }

    private static List<Hit> between(List<Hit> hits, Run run, Duration from, Duration until) {
        return hits.stream().filter(h -> h.arrivalNanos() - at(run, from) >= 0
                && h.arrivalNanos() - at(run, until) < 0).toList();
    }

    private static String offsets(Run run, List<Hit> hits) {
        StringBuilder s = new StringBuilder("[");
        for (Hit h : hits) {
            s.append(String.format(Locale.ROOT, "%s%.1f", s.length() > 1 ? " " : "",
                    seconds(h.arrivalNanos() - run.start)));
        }
        return s.append(" s]").toString();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private void produce(KafkaProducer<String, String> producer, Run run)
            throws InterruptedException {
        long end = at(run, RUN_TIME);
        long expiry = at(run, EXPIRY);
        while (System.nanoTime() - end < 0 && run.sendFailure.get() == null) {
            String value = "record-" + run.sent.getAndIncrement();
            producer.send(new ProducerRecord<>(TOPIC, value), (metadata, e) -> {
                if (e != null) {
                    run.sendFailure.compareAndSet(null, e);
                    return;
                }
                run.acked.incrementAndGet();
                if (System.nanoTime() - expiry > 0) {
                    run.ackedAfterExpiry.incrementAndGet();
                }
            });
            Thread.sleep(SEND_INTERVAL.toMillis());
        }
    }

    /**
     * An admin client of another logical cluster logs in and asks for the cluster id while
     * the provider does not answer: the stale shared token must serve it at once.
     */
    private static void startNewClient(TokenProxy proxy, EmbeddedKafkaBroker broker,
            String clientId, Run run) {
        long before = proxy.hitsSince(run.start).stream().filter(Hit::succeeded).count();
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(clientConfig(proxy, broker, clientId,
                "extension_logicalCluster=\"lkc-outage\""))) {
            admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
            run.newClientMs.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            run.newClientSuccesses.set(proxy.hitsSince(run.start).stream()
                    .filter(Hit::succeeded).count() - before);
            run.clientFailedAuths.add(failedAuthentications(admin.metrics()));
        } catch (Exception e) {
            run.newClientFailure.set(e);
        }
    }

    /** A client's {@code failed-authentication-total} plus its re-authentication twin. */
    private static double failedAuthentications(Map<MetricName, ? extends Metric> metrics) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            String name = e.getKey().name();
            if (name.equals("failed-authentication-total")
                    || name.equals("failed-reauthentication-total")) {
                total += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }

    private static Map<String, Object> producerConfig(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return config;
    }

    private static Map<String, Object> clientConfig(TokenProxy proxy, EmbeddedKafkaBroker broker,
            String clientId, String extraJaas) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH));
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "OAUTHBEARER");
        config.put("sasl.login.callback.handler.class",
                OAuthLoginCallbackHandler.class.getName());
        config.put("sasl.oauthbearer.token.endpoint.url", proxy.url());
        config.put("sasl.login.connect.timeout.ms", String.valueOf(HTTP_TIMEOUT_MS));
        config.put("sasl.login.read.timeout.ms", String.valueOf(HTTP_TIMEOUT_MS));
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer."
                + "OAuthBearerLoginModule required clientId=\"" + clientId + "\""
                + " clientSecret=\"outage-secret\" scope=\"kafka\" " + extraJaas + ";");
        return config;
    }
}
