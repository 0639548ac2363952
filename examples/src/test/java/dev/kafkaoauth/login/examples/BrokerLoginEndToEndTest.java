package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our handler as a broker's own login handler: the embedded node's controller listener is
 * SASL_PLAINTEXT OAUTHBEARER, so the broker registers with its controller, heartbeats and
 * forwards topic creation over a connection it logged in to with OAuthLoginCallbackHandler,
 * configured by listener-prefixed properties.
 */
class BrokerLoginEndToEndTest {

    private static final String AUDIENCE = "kafka";
    private static final String BROKER_CLIENT_ID = "kafka-broker-1";
    private static final String TOPIC = "broker-login";

    private EmbeddedOAuthServer idp;

    @BeforeEach
    void startIdp() {
        idp = EmbeddedOAuthServer.start().audience(AUDIENCE);
    }

    @AfterEach
    void stopIdp() {
        idp.close();
    }

    @Test
    void controllerLogin_ourHandler_brokerRegistersAndServesClients() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().oauthServer(idp)
                .expectedAudience(AUDIENCE)
                .controllerLogin(idp.tokenEndpointUrl(), BROKER_CLIENT_ID, "broker-secret")
                .start()) {
            // Only the broker has asked for tokens so far: no client has started.
            assertTrue(idp.tokenRequestCount() >= 1, "token requests " + idp.tokenRequestCount());
            String controller = broker.controllerListener();
            List<String> principals = broker.seenLogins().stream()
                    .filter(login -> login.listener().equals(controller))
                    .map(EmbeddedKafkaBroker.SeenLogin::principal)
                    .collect(Collectors.toList());
            assertFalse(principals.isEmpty(), "logins seen: " + broker.seenLogins());
            assertTrue(principals.stream().allMatch(BROKER_CLIENT_ID::equals),
                    principals.toString());
            assertTrue(broker.successfulAuthentications(controller) >= 1,
                    "authentications on " + controller);

            // Topic creation is forwarded to the controller over the authenticated connection.
            broker.createTopic(TOPIC, 1);
            assertEquals(List.of("one", "two"), roundTrip(broker, List.of("one", "two")));
        }
    }

    @Test
    void controllerLogin_closedTokenEndpoint_startFailsNamingTheTokenRequest() throws Exception {
        String closedEndpoint;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedEndpoint = "http://127.0.0.1:" + socket.getLocalPort() + "/token";
        }
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().oauthServer(idp)
                .expectedAudience(AUDIENCE)
                .controllerLogin(closedEndpoint, BROKER_CLIENT_ID, "broker-secret");

        Exception failure = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(Exception.class, builder::start));

        // The first login on the controller listener (the node's Raft client) gives up after
        // the handler's 10 s login deadline, and the broker's start fails with its message.
        String messages = causes(failure);
        assertTrue(messages.contains("LoginException: Token request to 127.0.0.1 for client "
                + BROKER_CLIENT_ID + " failed") && messages.contains("Connection refused"),
                messages);
        assertEquals(0, idp.tokenRequestCount());
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return text.toString();
    }

    private static List<String> roundTrip(EmbeddedKafkaBroker broker, List<String> values)
            throws Exception {
        Map<String, Object> producerConfig = Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.plaintextBootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig,
                new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(TOPIC, value)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> consumerConfig = Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.plaintextBootstrap(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig,
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.size() < values.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record
                        : consumer.poll(Duration.ofMillis(500))) {
                    received.add(record.value());
                }
            }
        }
        return received;
    }
}
