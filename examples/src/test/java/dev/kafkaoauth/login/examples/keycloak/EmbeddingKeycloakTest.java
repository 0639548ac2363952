package dev.kafkaoauth.login.examples.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.CheckOptions;
import dev.kafkaoauth.login.CheckReport;
import dev.kafkaoauth.login.CheckStatus;
import dev.kafkaoauth.login.CheckStep;
import dev.kafkaoauth.login.OAuthConnection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connection test against a real Keycloak: a right and a wrong client secret. */
@ExtendWith(KeycloakExtension.class)
class EmbeddingKeycloakTest {

    private static final Map<String, Object> SASL = Map.of("security.protocol", "SASL_SSL");

    private static OAuthConnection connection(KeycloakServer keycloak, String secret) {
        return OAuthConnection.builder().tokenEndpointUrl(keycloak.tokenEndpointUrl())
                .clientId(KeycloakServer.SPECIAL_CLIENT_ID).clientSecret(secret)
                .scope(KeycloakServer.SCOPE).build();
    }

    @Test
    void test_rightSecretWithSpecialCharacters_passesTokenSteps(KeycloakServer keycloak) {
        CheckReport report = connection(keycloak, KeycloakServer.SPECIAL_CLIENT_SECRET)
                .test(CheckOptions.tokenOnly(), SASL);

        assertTrue(report.passed(), report.toText());
        assertEquals(CheckStatus.PASS,
                report.step(CheckStep.TOKEN_REQUEST).orElseThrow().status());
    }

    @Test
    void test_wrongSecret_failsTokenRequestNamingClientCredentials(KeycloakServer keycloak) {
        String wrong = "wrong-\"secret\\;";
        CheckReport report = connection(keycloak, wrong).test(CheckOptions.tokenOnly(), SASL);

        CheckStep failed = report.firstFailure().orElseThrow(() -> new AssertionError(
                report.toText()));
        assertEquals(CheckStep.TOKEN_REQUEST, failed.name(), report.toText());
        // Keycloak answers a wrong secret with 401 unauthorized_client, not invalid_client.
        assertTrue(failed.cause().contains("HTTP 401"), failed.cause());
        assertTrue(failed.remedy().contains("client id and secret"), failed.remedy());
        assertFalse(report.toText().contains(wrong));
    }
}
