package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.TokenCacheEntryMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token cache's MBean read through the platform MBean server while a producer and a
 * consumer run against the embedded broker with 8-second tokens: its figures follow the
 * background refresh, {@code invalidate} makes the next login fetch, and it disappears when
 * the clients are closed.
 */
class JmxEndToEndTest {

    private static final String AUDIENCE = "kafka";
    private static final String CLIENT_ID = "jmx-e2e";
    private static final String TOPIC = "jmx-e2e";
    private static final long TOKEN_LIFETIME_SECONDS = 8;

    private static EmbeddedOAuthServer idp;
    private static EmbeddedKafkaBroker broker;
    private static AllowedUrls tokenUrl;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @BeforeAll
    static void start() throws Exception {
        idp = EmbeddedOAuthServer.start().tokenLifetimeSeconds(TOKEN_LIFETIME_SECONDS)
                .audience(AUDIENCE);
        broker = EmbeddedKafkaBroker.builder().oauthServer(idp).expectedAudience(AUDIENCE)
                .start();
        tokenUrl = AllowedUrls.add(idp.tokenEndpointUrl());
        broker.createTopic(TOPIC, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (tokenUrl != null) {
            tokenUrl.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    private static Properties clientConfig() {
        return clientConfig("");
    }

    /** Kafka shares one login per JAAS text: an extension gives a new login, same key. */
    private static Properties clientConfig(String extraJaas) {
        Properties p = new Properties();
        p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH));
        p.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.setProperty(SaslConfigs.SASL_MECHANISM, "OAUTHBEARER");
        p.setProperty(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS,
                "dev.kafkaoauth.login.OAuthLoginCallbackHandler");
        p.setProperty(SaslConfigs.SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL, idp.tokenEndpointUrl());
        p.setProperty(SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
                + " clientId=\"" + CLIENT_ID + "\" clientSecret=\"jmx-secret\" scope=\""
                + AUDIENCE + "\"" + extraJaas + ";");
        return p;
    }

    private Set<ObjectName> entries() throws Exception {
        return server.queryNames(new ObjectName("dev.kafkaoauth.login:type=TokenCache,clientId="
                + ObjectName.quote(CLIENT_ID) + ",*"), null);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(200);
        }
    }

    @Test
    void mbean_runWithShortTokens_followsRefreshInvalidateAndClose() throws Exception {
        Properties producerConfig = clientConfig();
        producerConfig.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig,
                new StringSerializer(), new StringSerializer());
        TokenCacheEntryMXBean bean;
        try {
            producer.send(new ProducerRecord<>(TOPIC, "before refresh")).get(30, TimeUnit.SECONDS);
            Set<ObjectName> names = entries();
            assertEquals(1, names.size(), names.toString());
            bean = JMX.newMXBeanProxy(server, names.iterator().next(),
                    TokenCacheEntryMXBean.class);
            assertEquals(CLIENT_ID, bean.getClientId());
            assertEquals("localhost", bean.getEndpointHost());
            assertEquals(CLIENT_ID, bean.getSubject());
            assertEquals(0, bean.getFailures());
            long requests = bean.getTokenRequests();
            assertTrue(requests >= 1, "requests " + requests);
            long secondsLeft = bean.getSecondsToExpiry();
            assertTrue(secondsLeft >= 0 && secondsLeft <= TOKEN_LIFETIME_SECONDS,
                    "seconds " + secondsLeft);
            String expiresAt = bean.getExpiresAt();
            Instant nextRefresh = Instant.parse(bean.getNextRefresh());
            assertTrue(nextRefresh.isBefore(Instant.parse(expiresAt)), "next " + nextRefresh);

            // The background refresh, ahead of the 8 s expiry.
            TokenCacheEntryMXBean b = bean;
            await("a background refresh", Duration.ofSeconds(TOKEN_LIFETIME_SECONDS + 5),
                    () -> b.getTokenRequests() > requests);
            await("the new token", Duration.ofSeconds(5),
                    () -> !expiresAt.equals(b.getExpiresAt()));
            assertTrue(Instant.parse(bean.getExpiresAt()).isAfter(Instant.parse(expiresAt)));
            assertEquals(0, bean.getFailures());

            // invalidate: no token until the next login (a new Kafka login), which fetches one.
            long beforeInvalidate = bean.getTokenRequests();
            bean.invalidate();
            assertEquals(-1, bean.getSecondsToExpiry());
            assertEquals("NONE", bean.getState());
            assertEquals(List.of("before refresh"), consumeAll());
            assertTrue(bean.getTokenRequests() > beforeInvalidate);
            assertTrue(bean.getSecondsToExpiry() > 0);
        } finally {
            producer.close(Duration.ofSeconds(10));
        }
        // Every handler of the loader is closed: nothing may pin it through the MBean server.
        assertEquals(Set.of(), entries());
    }

    private List<String> consumeAll() {
        Properties p = clientConfig(" extension_app=\"jmx-consumer\"");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p,
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    return records.records(tp).stream().map(r -> r.value()).toList();
                }
            }
            return List.of();
        }
    }

    @Test
    void mbean_noClientOpen_noneRegistered() throws Exception {
        assertFalse(entries().iterator().hasNext());
    }
}
