package dev.kafkaoauth.login.examples.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A second class using the extension: it gets the JVM's one Keycloak, not a new one. */
@ExtendWith(KeycloakExtension.class)
class KeycloakSharedInstanceTest {

    @Test
    void extension_secondTestClass_reusesRunningServer(KeycloakServer keycloak) throws Exception {
        assertEquals(1, KeycloakServer.startCount());

        HttpResponse<String> response = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .build()
                .send(HttpRequest.newBuilder(URI.create(keycloak.discoveryUrl())).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains(keycloak.tokenEndpointUrl()), response::body);
    }
}
