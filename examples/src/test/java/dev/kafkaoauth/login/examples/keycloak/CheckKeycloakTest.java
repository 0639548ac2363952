package dev.kafkaoauth.login.examples.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.examples.check.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The check command against the JVM's shared Keycloak: a good client and a wrong secret. */
@ExtendWith(KeycloakExtension.class)
class CheckKeycloakTest {

    private static final String WRONG_SECRET = "not-the-kafka-client-secret";

    @TempDir
    Path dir;

    private String run(KeycloakServer keycloak, String secret, int expectedCode)
            throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=OAUTHBEARER\n"
                + "sasl.login.callback.handler.class="
                + "dev.kafkaoauth.login.OAuthLoginCallbackHandler\n"
                + "sasl.oauthbearer.token.endpoint.url=" + keycloak.tokenEndpointUrl() + "\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.oauthbearer"
                + ".OAuthBearerLoginModule required clientId=\"" + KeycloakServer.CLIENT_ID
                + "\" clientSecret=\"" + secret + "\" scope=\"" + KeycloakServer.SCOPE
                + "\";\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = CheckCommand.run(new String[] {file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, text);
        assertFalse(text.contains(secret), text);
        assertFalse(text.contains("eyJ"), text);
        return text;
    }

    @Test
    void check_keycloakClient_passes(KeycloakServer keycloak) throws Exception {
        String out = run(keycloak, KeycloakServer.CLIENT_SECRET, CheckCommand.OK);
        assertTrue(out.contains("PASS   3 token"), out);
        // 299 or 300 s are left, by when the second turns
        assertTrue(java.util.regex.Pattern.compile("Kafka re-logs in after 2[34]\\d-25\\d s"
                + " \\(80-85% of (299|300) s\\)").matcher(out).find(), out);
        assertTrue(out.contains("claim sub"), out);
    }

    @Test
    void check_wrongSecret_failsTokenRequestWithCredentialsRemedy(KeycloakServer keycloak)
            throws Exception {
        String out = run(keycloak, WRONG_SECRET, CheckCommand.FAILED);
        assertTrue(out.contains("FAIL   2 token-request"), out);
        assertTrue(out.contains("httpStatus       401"), out);
        assertTrue(out.contains("remedy: Check the client id and secret"), out);
    }
}
