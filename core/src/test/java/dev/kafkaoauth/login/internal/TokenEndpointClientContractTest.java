package dev.kafkaoauth.login.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a real OAuth 2.0 server on loopback. */
class TokenEndpointClientContractTest {

    private static MockOAuth2Server server;

    @BeforeAll
    static void start() throws Exception {
        server = new MockOAuth2Server();
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_secret_basic", "client_secret_post"})
    void fetch_clientCredentials_returnsJwtForTheClient(String method) {
        LoginOptions o = LoginOptions.parse(Map.of("sasl.oauthbearer.token.endpoint.url",
                server.tokenEndpointUrl("default").toString()), Map.of("clientId", "contract-app",
                "clientSecret", "any", "scope", "kafka", "clientAuthMethod", method), Set.of());
        AccessToken t = new TokenEndpointClient(o).fetch();
        assertTrue(t.jwt());
        assertEquals("contract-app", t.subject("sub"));
        assertTrue(t.expiresAt().isAfter(Instant.now().plusSeconds(3000)));
        assertEquals("kafka", String.valueOf(t.claims().get("aud")).replaceAll("[\\[\\]]", ""));
    }
}
