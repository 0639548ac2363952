package dev.kafkaoauth.login.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.kafkaoauth.login.testkit.LogCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What TokenEndpointClient logs between attempts (at TRACE, LogCapture). */
class TokenEndpointClientLogTest {

    private static final String SECRET = "Log-Canary+Secret/5";

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(options().bindAddress("127.0.0.1").dynamicPort()).build();

    private final List<Duration> sleeps = new ArrayList<>();

    @Test
    void fetch_twoFailuresThenSuccess_warnsNamingEachAttemptAndItsWait() {
        server.stubFor(post(urlEqualTo("/token")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503))
                .willSetStateTo("again"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("flaky")
                .whenScenarioStateIs("again").willReturn(aResponse().withStatus(502))
                .willSetStateTo("up"));
        String jwt = Jwts.jwt(Map.of("sub", "app", "exp", Instant.now().plusSeconds(300)));
        server.stubFor(post(urlEqualTo("/token")).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"" + jwt
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        LoginOptions o = LoginOptions.parse(Map.of("sasl.oauthbearer.token.endpoint.url",
                "http://127.0.0.1:" + server.getPort() + "/token", "sasl.login.retry.backoff.ms",
                "100", "sasl.login.retry.backoff.max.ms", "400"),
                Map.of("clientId", "app", "clientSecret", SECRET), Set.of());
        TokenEndpointClient client = new TokenEndpointClient(o, Clock.systemUTC(), sleeps::add);
        List<String> warnings;
        String all;
        try (LogCapture logs = LogCapture.open()) {
            client.fetch();
            warnings = logs.lines("WARN", TokenEndpointClient.class);
            all = logs.printed() + logs.jul();
        }

        assertEquals(2, sleeps.size());
        assertEquals(2, warnings.size(), () -> "WARN lines: " + warnings);
        String where = "for client app at http://127.0.0.1:" + server.getPort() + "/token failed: ";
        assertTrue(warnings.get(0).contains("Token request 1 " + where), warnings.get(0));
        assertTrue(warnings.get(0).contains("HTTP 503"), warnings.get(0));
        assertTrue(warnings.get(0).endsWith(" Retrying in " + sleeps.get(0).toMillis()
                + " ms."), warnings.get(0));
        assertTrue(warnings.get(1).contains("Token request 2 " + where), warnings.get(1));
        assertTrue(warnings.get(1).contains("HTTP 502"), warnings.get(1));
        assertTrue(warnings.get(1).endsWith(" Retrying in " + sleeps.get(1).toMillis()
                + " ms."), warnings.get(1));
        assertFalse(all.contains(SECRET), all);
        assertFalse(all.contains(jwt), all);
    }
}
