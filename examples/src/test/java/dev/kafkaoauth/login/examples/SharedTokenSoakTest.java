package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared token over six token lifetimes and more: a producer and a consumer run against a
 * broker that forces re-authentication, an admin client with other extensions comes and goes,
 * and the identity provider sees only the scheduled refreshes. The one long test of the build.
 */
class SharedTokenSoakTest {

    private static final long LIFETIME_SECONDS = 20;
    private static final double REFRESH_FRACTION = 0.6;
    private static final long REAUTH_MS = 10_000;
    private static final Duration RUN_TIME = Duration.ofSeconds(6 * LIFETIME_SECONDS + 5);
    private static final Duration SEND_INTERVAL = Duration.ofMillis(20);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "soak";

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void sharedToken_producerConsumerAndAdminsOverSixLifetimes_onlyScheduledRefreshes()
            throws Exception {
        try (EmbeddedOAuthServer idp = EmbeddedOAuthServer.start()) {
            idp.audience("kafka").claims(Map.of("scope", "kafka"))
                    .tokenLifetimeSeconds(LIFETIME_SECONDS);
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().oauthServer(idp)
                    .expectedAudience("kafka").connectionsMaxReauthMs(REAUTH_MS).start();
                    AllowedUrls tokenUrl = AllowedUrls.add(idp.tokenEndpointUrl())) {
                broker.createTopic(TOPIC, 1);
                runSoak(idp, broker);
            }
        }
    }

    private void runSoak(EmbeddedOAuthServer idp, EmbeddedKafkaBroker broker)
            throws Exception {
        // A client id of this run only: no other test's handler can share (or warm) its token.
        String clientId = "soak-" + UUID.randomUUID();
        Map<String, Object> base = clientConfig(idp, broker, clientId, "");
        assertEquals(0, idp.tokenRequestCount(), "no token request before the first client");

        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        AtomicBoolean consumerRunning = new AtomicBoolean(true);
        List<Long> adminRequestDeltas = new ArrayList<>();
        long sent = 0;
        long start;
        long producedUntil;

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(base),
                new StringSerializer(), new StringSerializer())) {
            // The producer's login fetched the first token: the run is timed from here.
            start = System.nanoTime();
            assertEquals(1, idp.tokenRequestCount(), "one request for the producer's login");
            Thread consumerThread = ConsumerLoop.start("soak-consumer", base, TOPIC,
                    consumerRunning, consumed, consumerFailure, c -> { });
            Thread adminThread = startAdmins(idp, broker, clientId, start, adminRequestDeltas);
            long end = start + RUN_TIME.toNanos();
            while (System.nanoTime() < end && sendFailure.get() == null) {
                String value = "record-" + sent++;
                producer.send(new ProducerRecord<>(TOPIC, value), (metadata, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else {
                        sendFailure.compareAndSet(null, e);
                    }
                });
                Thread.sleep(SEND_INTERVAL.toMillis());
            }
            producer.flush();
            producedUntil = System.nanoTime();
            adminThread.join(TimeUnit.SECONDS.toMillis(60));
            long drainEnd = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (consumed.size() < sent && consumerFailure.get() == null
                    && System.nanoTime() < drainEnd) {
                Thread.sleep(100);
            }
            consumerRunning.set(false);
            consumerThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        double runSeconds = (System.nanoTime() - start) / 1e9;
        long requests = idp.tokenRequestCount();
        long bound = (long) Math.ceil(runSeconds / (REFRESH_FRACTION * LIFETIME_SECONDS)) + 1;
        long reauths = broker.successfulReauthentications(EmbeddedKafkaBroker.OAUTH);
        System.out.printf("soak: %.1f s (records for %.1f s), %d token requests (bound %d),"
                + " %d sent, %d acknowledged, %d consumed, %d re-authentications,"
                + " admin request deltas %s%n", runSeconds, (producedUntil - start) / 1e9,
                requests, bound, sent, acked.get(), consumed.size(), reauths,
                adminRequestDeltas);

        assertEquals(null, sendFailure.get(), "a send failed");
        assertEquals(null, consumerFailure.get(), "the consumer failed");
        assertTrue(runSeconds >= 6 * LIFETIME_SECONDS, "ran " + runSeconds + " s");
        assertEquals(sent, acked.get(), "records acknowledged");
        assertEquals(sent, consumed.size(), "records consumed");
        assertTrue(reauths > 0, "the broker saw no re-authentication");
        assertTrue(requests <= bound, requests + " token requests in " + runSeconds
                + " s, at most " + bound + " expected");
        // Six lifetimes cannot pass on one token: the refreshes did happen.
        assertTrue(requests >= 6, "only " + requests + " token requests in " + runSeconds + " s");
        assertTrue(adminRequestDeltas.size() >= 3, "admin cycles: " + adminRequestDeltas);
        assertTrue(adminRequestDeltas.stream().allMatch(d -> d == 0),
                "an admin client caused a token request: " + adminRequestDeltas);
        for (int i = 0; i < adminRequestDeltas.size(); i++) {
            String cluster = "lkc-soak" + i;
            assertTrue(broker.seenExtensions(EmbeddedKafkaBroker.OAUTH).stream()
                    .anyMatch(ext -> cluster.equals(ext.get("logicalCluster"))),
                    "the broker saw no login of admin " + cluster);
        }
    }

    /**
     * Every time a refresh has just happened (so that no scheduled one is due for seconds), an
     * admin client with its own {@code extension_logicalCluster} logs in, asks the broker for
     * its cluster id and closes; the number of token requests meanwhile must not change.
     */
    private Thread startAdmins(EmbeddedOAuthServer idp, EmbeddedKafkaBroker broker,
            String clientId, long start, List<Long> deltas) {
        long lastStart = start + RUN_TIME.toNanos() - Duration.ofSeconds(8).toNanos();
        Thread thread = new Thread(() -> {
            try {
                int i = 0;
                while (System.nanoTime() < lastStart) {
                    long seen = idp.tokenRequestCount();
                    long waitEnd = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (idp.tokenRequestCount() == seen && System.nanoTime() < waitEnd) {
                        Thread.sleep(50);
                    }
                    Thread.sleep(1000);
                    if (System.nanoTime() >= lastStart) {
                        return;
                    }
                    long before = idp.tokenRequestCount();
                    Map<String, Object> config = clientConfig(idp, broker, clientId,
                            "extension_logicalCluster=\"lkc-soak" + i + "\"");
                    try (Admin admin = Admin.create(config)) {
                        admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
                    }
                    synchronized (deltas) {
                        deltas.add(idp.tokenRequestCount() - before);
                    }
                    i++;
                }
            } catch (Exception e) {
                synchronized (deltas) {
                    deltas.add(-1L); // fails the all-zero assertion; the trace says why
                }
                e.printStackTrace();
            }
        }, "soak-admins");
        thread.start();
        return thread;
    }

    private static Map<String, Object> producerConfig(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return config;
    }

    private static Map<String, Object> clientConfig(EmbeddedOAuthServer idp,
            EmbeddedKafkaBroker broker, String clientId, String extraJaas) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH));
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "OAUTHBEARER");
        config.put("sasl.login.callback.handler.class",
                OAuthLoginCallbackHandler.class.getName());
        config.put("sasl.oauthbearer.token.endpoint.url", idp.tokenEndpointUrl());
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer."
                + "OAuthBearerLoginModule required clientId=\"" + clientId + "\""
                + " clientSecret=\"soak-secret\" scope=\"kafka\" " + extraJaas + ";");
        return config;
    }
}
