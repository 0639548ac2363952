package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.examples.keycloak.KeycloakExtension;
import dev.kafkaoauth.login.examples.keycloak.KeycloakServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core handler against a real identity provider that checks secrets (Keycloak), through a
 * broker that validates Keycloak's tokens against its JWKS.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakEndToEndTest {

    private static final String MODULE =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

    private static KeycloakServer keycloak;
    private static EmbeddedKafkaBroker broker;
    private static AllowedUrls tokenUrlAllowed;

    @BeforeAll
    static void start(KeycloakServer server) throws Exception {
        keycloak = server;
        broker = EmbeddedKafkaBroker.builder().jwksUrl(server.jwksUrl())
                .expectedIssuer(server.issuerUrl()).expectedAudience("kafka-broker").start();
        tokenUrlAllowed = AllowedUrls.add(server.tokenEndpointUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (tokenUrlAllowed != null) {
            tokenUrlAllowed.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Path config(Path dir, String clientId, String secret) throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH));
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "OAUTHBEARER");
        p.setProperty("sasl.login.callback.handler.class",
                OAuthLoginCallbackHandler.class.getName());
        p.setProperty("sasl.oauthbearer.token.endpoint.url", keycloak.tokenEndpointUrl());
        p.setProperty("sasl.jaas.config", MODULE + " required clientId=\"" + clientId
                + "\" clientSecret=\"" + secret + "\" scope=\"kafka\";");
        Path file = dir.resolve(clientId + ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
        return file;
    }

    @Test
    void producerAndConsumer_rightSecret_roundTripWithKeycloakToken(@TempDir Path dir)
            throws Exception {
        broker.createTopic("keycloak-e2e", 1);
        Demo.Result result = Demo.runOnCluster(config(dir, "kafka-client",
                "kafka-client-secret"), "keycloak-e2e");
        assertTrue(result.success(), result.failure());
        assertEquals(1, result.handlers().get(0).consumed());
        EmbeddedKafkaBroker.SeenLogin login = broker.seenLogins().get(0);
        // Keycloak's sub is the service account's UUID; the broker saw that principal.
        assertTrue(login.principal().matches("[0-9a-f-]{36}"), login.principal());
        assertTrue(login.scopes().contains("kafka"), login.scopes()::toString);
    }

    @Test
    void producer_wrongSecret_failsWithKeycloaksErrorAndNoSecret(@TempDir Path dir)
            throws Exception {
        String wrong = "Wrong-Secret-Canary-77";
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(config(dir, "kafka-client", wrong))) {
            p.load(in);
        }
        Throwable failure = null;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p,
                new StringSerializer(), new StringSerializer())) {
            producer.partitionsFor("keycloak-e2e");
        } catch (RuntimeException e) {
            failure = e;
        }
        assertNotNull(failure, "a wrong secret must not log in");
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        String text = trace.toString();
        // Keycloak 26 answers a wrong secret with 401 unauthorized_client ("Invalid client or
        // Invalid client credentials"); an unknown client gets invalid_client.
        assertTrue(text.contains("HTTP 401"), text);
        assertTrue(text.contains("error=unauthorized_client"), text);
        assertTrue(text.contains("Invalid client"), text);
        assertTrue(text.contains("127.0.0.1"), text);
        assertFalse(text.contains(wrong), "the secret appears in the failure");
    }

    @Test
    void handler_unknownClient_reportsInvalidClient() throws Exception {
        OAuthBearerTokenCallback cb = login("no-such-client", "whatever", "client_secret_basic");
        assertNull(cb.token());
        assertTrue(cb.errorDescription().contains("error=invalid_client"),
                cb.errorDescription());
        assertEquals("invalid_client", cb.errorCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_secret_basic", "client_secret_post"})
    void handler_secretWithReservedCharacters_logsIn(String method) throws Exception {
        OAuthBearerTokenCallback cb = login("kafka-special", "s+p/e:c%ial", method);
        assertNull(cb.errorDescription(), cb.errorDescription());
        assertNotNull(cb.token());
        assertTrue(cb.token().scope().contains("kafka"), cb.token().scope()::toString);
    }

    private static OAuthBearerTokenCallback login(String clientId, String secret, String method)
            throws Exception {
        OAuthLoginCallbackHandler h = new OAuthLoginCallbackHandler();
        h.configure(Map.of("sasl.oauthbearer.token.endpoint.url", keycloak.tokenEndpointUrl()),
                "OAUTHBEARER", List.of(new AppConfigurationEntry(MODULE,
                        LoginModuleControlFlag.REQUIRED, Map.of("clientId", clientId,
                                "clientSecret", secret, "scope", "kafka",
                                "clientAuthMethod", method, "tokenCache", "private"))));
        try {
            OAuthBearerTokenCallback cb = new OAuthBearerTokenCallback();
            h.handle(new Callback[] {cb});
            return cb;
        } finally {
            h.close();
        }
    }
}
