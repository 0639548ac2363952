package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.AccessTokenSupplier;
import dev.kafkaoauth.login.CheckOptions;
import dev.kafkaoauth.login.CheckReport;
import dev.kafkaoauth.login.CheckStatus;
import dev.kafkaoauth.login.CheckStep;
import dev.kafkaoauth.login.OAuthConnection;
import dev.kafkaoauth.login.confluent.ConfluentCloudConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedding API end to end: client properties built from form fields drive real clients
 * through the embedded broker, and the connection test tells a good connection from a wrong
 * cluster id and an unreachable broker.
 */
class EmbeddingEndToEndTest {

    private static final String SECRET = "f0rm \"secret\" with \\ ; = and \u00e9";
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(10);

    private static EmbeddedOAuthServer idp;
    private static EmbeddedKafkaBroker broker;
    private static AllowedUrls allowed;

    @BeforeAll
    static void start() throws Exception {
        idp = EmbeddedOAuthServer.start();
        idp.audience(Demo.AUDIENCE).claims(Map.of("scope", Demo.AUDIENCE));
        broker = EmbeddedKafkaBroker.builder().oauthServer(idp)
                .expectedAudience(Demo.AUDIENCE).start();
        allowed = AllowedUrls.add(idp.tokenEndpointUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            allowed.close();
            broker.close();
        } finally {
            idp.close();
        }
    }

    private static OAuthConnection connection(String clientId) {
        return OAuthConnection.builder().tokenEndpointUrl(idp.tokenEndpointUrl())
                .clientId(clientId).clientSecret(SECRET).scope(Demo.AUDIENCE).build();
    }

    private static Map<String, Object> cluster(String listener) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", broker.bootstrapServers(listener));
        p.put("security.protocol", "SASL_PLAINTEXT");
        return p;
    }

    private static Map<String, Object> clientProperties(OAuthConnection c, String listener) {
        Map<String, Object> p = c.toKafkaProperties();
        p.putAll(cluster(listener));
        return p;
    }

    @Test
    void toKafkaProperties_fromFields_produceAndConsumeThroughBroker() throws Exception {
        String topic = "embed-" + UUID.randomUUID();
        broker.createTopic(topic, 1);
        Map<String, Object> props = clientProperties(connection("embed-app"),
                EmbeddedKafkaBroker.OAUTH);
        Map<String, Object> producerProps = new HashMap<>(props);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps,
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i))
                        .get(20, TimeUnit.SECONDS);
            }
        }
        List<String> values = new ArrayList<>();
        Map<String, Object> consumerProps = new HashMap<>(props);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps,
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 5 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }

        assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), values);
        assertTrue(broker.seenPrincipals().contains("embed-app"));
    }

    @Test
    void test_goodConnectionWithBrokerLogin_passesEveryStep() {
        CheckReport report = connection("embed-check").test(
                CheckOptions.withBrokerLogin(BROKER_TIMEOUT), cluster(EmbeddedKafkaBroker.OAUTH));

        assertEquals(CheckStatus.PASS, report.verdict(), report.toText());
        for (CheckStep step : report.steps()) {
            assertEquals(CheckStatus.PASS, step.status(), report.toText());
        }
        assertEquals("embed-check",
                report.step(CheckStep.TOKEN).orElseThrow().details().get("subject"));
        assertFalse(report.toText().contains(SECRET));
    }

    @Test
    void test_confluentRightClusterId_passesOnCloudListener() {
        OAuthConnection c = ConfluentCloudConnection.builder()
                .tokenEndpointUrl(idp.tokenEndpointUrl()).clientId("embed-cloud")
                .clientSecret(SECRET).scope(Demo.AUDIENCE)
                .logicalCluster("lkc-abc123").identityPoolId("pool-AbCd").build();

        CheckReport report = c.test(CheckOptions.withBrokerLogin(BROKER_TIMEOUT),
                cluster(EmbeddedKafkaBroker.CLOUD));

        assertEquals(CheckStatus.PASS, report.verdict(), report.toText());
    }

    @Test
    void test_wrongClusterId_failsBrokerLoginStep() {
        // Well formed for our handler, refused by the broker as Confluent Cloud would.
        OAuthConnection c = ConfluentCloudConnection.builder()
                .tokenEndpointUrl(idp.tokenEndpointUrl()).clientId("embed-cloud-wrong")
                .clientSecret(SECRET).logicalCluster("lkc-WRONG").build();

        CheckReport report = c.test(CheckOptions.withBrokerLogin(BROKER_TIMEOUT),
                cluster(EmbeddedKafkaBroker.CLOUD));

        CheckStep failed = report.firstFailure().orElseThrow(() -> new AssertionError(
                report.toText()));
        assertEquals(CheckStep.BROKER_LOGIN, failed.name(), report.toText());
        assertTrue(failed.cause().contains("SaslAuthenticationException"), failed.cause());
        assertTrue(failed.remedy().contains("logicalCluster"), failed.remedy());
        assertEquals(CheckStatus.PASS, report.step(CheckStep.TOKEN).orElseThrow().status());
    }

    @Test
    void test_unreachableBroker_failsBrokerLoginStepWithinTimeout() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Map<String, Object> unreachable = Map.of("bootstrap.servers",
                "127.0.0.1:" + closedPort, "security.protocol", "SASL_PLAINTEXT");
        long start = System.nanoTime();

        CheckReport report = connection("embed-unreachable").test(
                CheckOptions.withBrokerLogin(Duration.ofSeconds(3)), unreachable);

        CheckStep failed = report.firstFailure().orElseThrow(() -> new AssertionError(
                report.toText()));
        assertEquals(CheckStep.BROKER_LOGIN, failed.name(), report.toText());
        assertTrue(failed.cause().startsWith("No answer from the brokers"), failed.cause());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
    }

    @Test
    void accessTokenSupplier_andTenClients_causeOneTokenRequest() throws Exception {
        String clientId = "embed-ten-" + UUID.randomUUID();
        long before = idp.tokenRequestCount();
        try (AccessTokenSupplier supplier = connection(clientId).accessTokenSupplier()) {
            String token = supplier.get();
            for (int i = 0; i < 10; i++) {
                // Each client with another extension, created and closed in turn, so that
                // Kafka's own login sharing cannot hide a second fetch.
                OAuthConnection c = OAuthConnection.builder()
                        .tokenEndpointUrl(idp.tokenEndpointUrl()).clientId(clientId)
                        .clientSecret(SECRET).scope(Demo.AUDIENCE)
                        .extension("client", "n" + i).build();
                try (Admin admin = Admin.create(clientProperties(c,
                        EmbeddedKafkaBroker.OAUTH))) {
                    admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
                }
            }
            assertEquals(token, supplier.get());
        }

        assertEquals(1, idp.tokenRequestCount() - before);
        long logins = broker.seenLogins().stream()
                .filter(l -> l.principal().equals(clientId)).count();
        assertTrue(logins >= 10, "logins: " + logins);
    }
}
