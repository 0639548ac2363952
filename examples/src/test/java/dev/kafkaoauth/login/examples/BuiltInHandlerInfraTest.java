package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's servers, proven with Kafka's own login handler: it logs in through both
 * OAUTHBEARER listeners, and the CLOUD listener refuses what Confluent Cloud refuses.
 */
class BuiltInHandlerInfraTest {

    private static final String BUILT_IN_HANDLER =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";
    private static final String CLIENT_ID = "kafka-infra";
    private static final long REAUTH_MS = 1500;

    private static EmbeddedOAuthServer idp;
    private static EmbeddedKafkaBroker broker;
    private static AllowedUrls tokenUrlAllowed;

    @BeforeAll
    static void startServers() throws Exception {
        idp = EmbeddedOAuthServer.start().audience("kafka").claims(Map.of("scope", "kafka"));
        broker = EmbeddedKafkaBroker.builder().oauthServer(idp).expectedAudience("kafka")
                .connectionsMaxReauthMs(REAUTH_MS).start();
        tokenUrlAllowed = AllowedUrls.add(idp.tokenEndpointUrl());
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (tokenUrlAllowed != null) {
            tokenUrlAllowed.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void oauthListener_builtInHandler_roundTripsRecordsAndBrokerSeesSubject() throws Exception {
        Path file = writeConfig(EmbeddedKafkaBroker.OAUTH, "");
        broker.createTopic("infra-oauth", 1);
        long tokensBefore = idp.tokenRequestCount();

        Demo.Result result = Demo.runOnCluster(file, "infra-oauth");

        assertTrue(result.success(), result.failure());
        assertEquals(1, result.handlers().get(0).consumed());
        assertTrue(broker.seenPrincipals().contains(CLIENT_ID), broker.seenPrincipals()::toString);
        EmbeddedKafkaBroker.SeenLogin login = broker.seenLogins().stream()
                .filter(l -> l.listener().equals(EmbeddedKafkaBroker.OAUTH)).findFirst()
                .orElseThrow();
        assertEquals(CLIENT_ID, login.principal());
        assertEquals(Set.of("kafka"), login.scopes());
        assertTrue(idp.tokenRequestCount() > tokensBefore, "token endpoint requests counted");
    }

    @Test
    void cloudListener_noLogicalCluster_rejectsLoginWithInvalidExtensions() {
        Map<String, Object> config = clientConfig(EmbeddedKafkaBroker.CLOUD, "");

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> describeCluster(config));

        SaslAuthenticationException cause =
                assertInstanceOf(SaslAuthenticationException.class, failure.getCause());
        assertTrue(cause.getMessage().contains("1 extensions are invalid!"), cause::getMessage);
        assertTrue(cause.getMessage().contains("logicalCluster"), cause::getMessage);
    }

    @Test
    void cloudListener_malformedIdentityPool_rejectsLogin() {
        Map<String, Object> config = clientConfig(EmbeddedKafkaBroker.CLOUD,
                "extension_logicalCluster=\"lkc-abc123\" extension_identityPoolId=\"pool-1,x\"");

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> describeCluster(config));

        assertTrue(failure.getCause().getMessage().contains("identityPoolId"),
                failure.getCause()::getMessage);
    }

    @Test
    void cloudListener_wellFormedExtensions_acceptsLoginAndRecordsThem() throws Exception {
        Map<String, Object> config = clientConfig(EmbeddedKafkaBroker.CLOUD,
                "extension_logicalCluster=\"lkc-abc123\" extension_identityPoolId=\"pool-Ab1\"");

        describeCluster(config);

        assertTrue(broker.seenExtensions(EmbeddedKafkaBroker.CLOUD).contains(Map.of(
                "logicalCluster", "lkc-abc123", "identityPoolId", "pool-Ab1")),
                broker.seenExtensions()::toString);
    }

    @Test
    void oauthListener_shortReauthInterval_clientReauthenticates() throws Exception {
        broker.createTopic("infra-reauth", 1);
        Map<String, Object> config = clientConfig(EmbeddedKafkaBroker.OAUTH, "");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config,
                new StringSerializer(), new StringSerializer())) {
            while (broker.successfulReauthentications(EmbeddedKafkaBroker.OAUTH) == 0
                    && System.nanoTime() < deadline) {
                producer.send(new ProducerRecord<>("infra-reauth", "v")).get(10, TimeUnit.SECONDS);
                Thread.sleep(100);
            }
        }

        assertTrue(broker.successfulReauthentications(EmbeddedKafkaBroker.OAUTH) > 0,
                "no re-authentication within 15 s at connections.max.reauth.ms=" + REAUTH_MS);
    }

    @Test
    void runEmbedded_sampleConfigsWithBuiltInHandler_roundTripsAllRecords() throws Exception {
        // The sample files as they are, but with Kafka's handler, which sends the Confluent ids
        // only as explicit extensions.
        for (String name : List.of(Demo.CLIENT_FILE, Demo.CONFLUENT_FILE)) {
            String text = Files.readString(Path.of("config", name))
                    .replaceAll("(?m)^sasl\\.login\\.callback\\.handler\\.class=.*$",
                            "sasl.login.callback.handler.class=" + BUILT_IN_HANDLER)
                    .replace("logicalCluster=", "extension_logicalCluster=")
                    .replace("identityPoolId=", "extension_identityPoolId=");
            Files.writeString(tempDir.resolve(name), text);
        }

        Demo.Result result = Demo.runEmbedded(tempDir, Demo.RECORDS);

        assertTrue(result.success(), result.failure());
        for (Demo.HandlerReport handler : result.handlers()) {
            assertEquals(BUILT_IN_HANDLER, handler.handlerClass());
            assertEquals(Demo.RECORDS, handler.consumed(), handler.name());
            assertEquals("kafka-demo", handler.subject(), handler.name());
            assertEquals(Set.of("kafka"), handler.scopes(), handler.name());
            // Kafka's handler fetches again for the consumer once the producer closed.
            assertTrue(handler.tokenRequests() >= 1, handler.name());
        }
        assertEquals(Map.of("logicalCluster", "lkc-demo01", "identityPoolId", "pool-Demo1"),
                result.handlers().get(1).extensions());
    }

    private static void describeCluster(Map<String, Object> config) throws Exception {
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> clientConfig(String listener, String extraJaas) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers(listener));
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "OAUTHBEARER");
        config.put("sasl.login.callback.handler.class", BUILT_IN_HANDLER);
        config.put("sasl.oauthbearer.token.endpoint.url", idp.tokenEndpointUrl());
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer."
                + "OAuthBearerLoginModule required clientId=\"" + CLIENT_ID + "\""
                + " clientSecret=\"infra-secret\" scope=\"kafka\" " + extraJaas + ";");
        return config;
    }

    @TempDir
    Path tempDir;

    private Path writeConfig(String listener, String extraJaas) throws IOException {
        Properties props = new Properties();
        props.putAll(clientConfig(listener, extraJaas));
        props.replaceAll((k, v) -> v.toString());
        Path file = tempDir.resolve("built-in-client.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            props.store(writer, null);
        }
        return file;
    }
}
