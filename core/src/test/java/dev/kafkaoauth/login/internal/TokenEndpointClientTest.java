package dev.kafkaoauth.login.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.kafkaoauth.login.TokenRequestException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault and malformed-response behaviour, against a stub server on loopback. */
class TokenEndpointClientTest {

    private static final String SECRET = "p+a/s:s%w=o&rd";

    private WireMockServer server;
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private TokenEndpointClient client(String... jaasPairs) {
        return client(Map.of(), jaasPairs);
    }

    /** A client of the stub, or of the endpoint that {@code configs} names. */
    private TokenEndpointClient client(Map<String, Object> configs, String... jaasPairs) {
        return new TokenEndpointClient(loginOptions(configs, jaasPairs), Clock.systemUTC(),
                sleeps::add);
    }

    /** A client whose waits move the fake clock, as the login deadline sees it. */
    private TokenEndpointClient timedClient(FakeTime time, Map<String, Object> configs,
            String... jaasPairs) {
        return new TokenEndpointClient(loginOptions(configs, jaasPairs), time.clock(), d -> {
            sleeps.add(d);
            time.advance(d);
        });
    }

    private LoginOptions loginOptions(Map<String, Object> configs, String... jaasPairs) {
        Map<String, Object> jaas = new HashMap<>();
        jaas.put("clientId", "app");
        jaas.put("clientSecret", SECRET);
        for (int i = 0; i < jaasPairs.length; i += 2) {
            jaas.put(jaasPairs[i], jaasPairs[i + 1]);
        }
        Map<String, Object> all = new HashMap<>(Map.of("sasl.oauthbearer.token.endpoint.url",
                "http://127.0.0.1:" + server.port() + "/token", "sasl.login.retry.backoff.ms",
                "100", "sasl.login.retry.backoff.max.ms", "400"));
        all.putAll(configs);
        return LoginOptions.parse(all, jaas, Set.of());
    }

    private void answer(int status, String body) {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static String tokenJson(long lifetime) {
        String jwt = Jwts.jwt(Map.of("sub", "app", "exp",
                Instant.now().plusSeconds(lifetime)));
        return "{\"access_token\":\"" + jwt + "\",\"token_type\":\"bearer\","
                + "\"expires_in\":\"" + lifetime + "\"}";
    }

    private TokenRequestException failure(TokenEndpointClient c) {
        TokenRequestException e = assertThrows(TokenRequestException.class, c::fetch);
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        return e;
    }

    @Test
    void fetch_basicAuth_sendsFormEncodedCredentialsPerRfc6749() {
        answer(200, tokenJson(300));
        client().fetch();
        String expected = Base64.getEncoder().encodeToString(("app:"
                + "p%2Ba%2Fs%3As%25w%3Do%26rd").getBytes(StandardCharsets.UTF_8));
        server.verify(postRequestedFor(urlEqualTo("/token"))
                .withHeader("Authorization", equalTo("Basic " + expected))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("grant_type=client_credentials")));
    }

    @Test
    void fetch_postAuthWithScopeAndParams_sendsThemInTheBody() {
        answer(200, tokenJson(300));
        client("clientAuthMethod", "client_secret_post", "scope", "kafka read",
                "param_audience", "https://api").fetch();
        String body = server.getAllServeEvents().get(0).getRequest().getBodyAsString();
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertEquals(Map.of("grant_type", "client_credentials", "scope", "kafka read",
                "client_id", "app", "client_secret", SECRET, "audience", "https://api"), form);
        assertFalse(server.getAllServeEvents().get(0).getRequest().containsHeader(
                "Authorization"));
    }

    @Test
    void fetch_userAgent_carriesTheLibrary() {
        answer(200, tokenJson(300));
        client().fetch();
        String ua = server.getAllServeEvents().get(0).getRequest().getHeader("User-Agent");
        assertNotEquals("unknown", Version.get(), "the build filters version.properties");
        assertTrue(ua.startsWith("kafka-oauth-login/" + Version.get() + " "), ua);
    }

    @Test
    void fetch_basicAuthWithUrlencodeFalse_sendsCredentialsAsTheyAre() {
        answer(200, tokenJson(300));
        client(Map.of("sasl.oauthbearer.header.urlencode", "false")).fetch();
        String expected = Base64.getEncoder().encodeToString(("app:" + SECRET)
                .getBytes(StandardCharsets.UTF_8));
        server.verify(postRequestedFor(urlEqualTo("/token"))
                .withHeader("Authorization", equalTo("Basic " + expected)));
    }

    @Test
    void fetch_fileEndpointLargerThanOneMiB_failsWithoutRetrying(@TempDir Path dir)
            throws IOException {
        Path file = Files.write(dir.resolve("huge.jwt"), new byte[2 << 20]);
        TokenEndpointClient c = client(Map.of("sasl.oauthbearer.token.endpoint.url",
                file.toUri().toString()));

        TokenRequestException e = failure(c);

        assertTrue(e.getMessage().contains("larger than 1 MiB"), e.getMessage());
        assertFalse(e.isRetriable());
        assertTrue(sleeps.isEmpty(), "not retried");
    }

    @Test
    void fetch_fileEndpoint_readsTheFileAgainAtEachFetch(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("token.jwt");
        String first = Jwts.jwt(Map.of("sub", "first", "exp", Instant.now().plusSeconds(300)));
        String second = Jwts.jwt(Map.of("sub", "second", "exp", Instant.now().plusSeconds(600)));
        Files.writeString(file, first + "\n");
        TokenEndpointClient c = client(Map.of("sasl.oauthbearer.token.endpoint.url",
                file.toUri().toString()));

        AccessToken before = c.fetch();
        Files.writeString(file, second);
        AccessToken after = c.fetch();

        assertEquals(first, before.value());
        assertEquals("first", before.subject("sub"));
        assertEquals(second, after.value());
        assertEquals("second", after.subject("sub"));
        assertEquals(0, server.getAllServeEvents().size(), "no HTTP request for a file");
    }

    @Test
    void fetch_invalidClient_isFinalAndNamesHostStatusAndError() {
        answer(401, "{\"error\":\"invalid_client\",\"error_description\":\"bad secret\"}");
        TokenRequestException e = failure(client());
        assertFalse(e.isRetriable());
        assertEquals(401, e.httpStatus());
        assertEquals("invalid_client", e.oauthError(), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("error=invalid_client"), e.getMessage());
        assertTrue(e.getMessage().contains("error_description=bad secret"), e.getMessage());
        assertTrue(e.getMessage().contains("Not retried"), e.getMessage());
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void fetch_503ThenSuccess_retriesWithBackoff() {
        server.stubFor(post(urlEqualTo("/token")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("<html>down</html>"))
                .willSetStateTo("up"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody(tokenJson(300))));
        AccessToken t = client().fetch();
        assertEquals("app", t.subject("sub"));
        assertEquals(1, sleeps.size());
        assertTrue(sleeps.get(0).toMillis() >= 100 && sleeps.get(0).toMillis() <= 400);
    }

    @Test
    void fetch_429WithRetryAfter_waitsAsAsked() {
        server.stubFor(post(urlEqualTo("/token")).inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2"))
                .willSetStateTo("ok"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("limited").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(tokenJson(300))));
        client().fetch();
        assertEquals(List.of(Duration.ofSeconds(2)), sleeps);
    }

    @Test
    void fetch_htmlWith200_failsDescribingTheBody() {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html>login</html>")));
        TokenRequestException e = failure(client("loginTimeoutMs", "0"));
        assertTrue(e.getMessage().contains("not a JSON object (HTML or XML"), e.getMessage());
    }

    @Test
    void fetch_errorObjectWith200_isFinal() {
        answer(200, "{\"error\":\"invalid_scope\"}");
        TokenRequestException e = failure(client());
        assertFalse(e.isRetriable());
        assertTrue(e.getMessage().contains("error=invalid_scope"), e.getMessage());
    }

    @Test
    void fetch_missingAccessToken_namesTheField() {
        answer(200, "{\"token_type\":\"Bearer\",\"expires_in\":300}");
        TokenRequestException e = failure(client("loginTimeoutMs", "0"));
        assertTrue(e.getMessage().contains("no access_token"), e.getMessage());
    }

    @Test
    void fetch_nonBearerTokenType_isFinal() {
        answer(200, "{\"access_token\":\"abc\",\"token_type\":\"mac\",\"expires_in\":300}");
        TokenRequestException e = failure(client());
        assertTrue(e.getMessage().contains("token_type is 'mac': expected Bearer"),
                e.getMessage());
    }

    @Test
    void fetch_opaqueTokenWithExpiresIn_isAccepted() {
        answer(200, "{\"access_token\":\"opaque-123\",\"token_type\":\"Bearer\","
                + "\"expires_in\":120}");
        AccessToken t = client().fetch();
        assertFalse(t.jwt());
        assertEquals("app", t.subject("sub"));
    }

    @Test
    void fetch_redirect_isNotFollowed() {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "https://elsewhere.example/token")));
        TokenRequestException e = failure(client());
        assertTrue(e.getMessage().contains("redirects are not followed"), e.getMessage());
        assertTrue(e.getMessage().contains("elsewhere.example"), e.getMessage());
        assertEquals(1, server.getAllServeEvents().size());
    }

    @Test
    void fetch_connectionRefused_isRetriableAndNamesTheHost() {
        TokenEndpointClient c = client("loginTimeoutMs", "0");
        server.stop();
        TokenRequestException e = failure(c);
        assertTrue(e.isRetriable());
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
    }

    @Test
    void fetch_persistent503_waitsWithFullJitterWithinBaseAndCappedDoubling() {
        answer(503, "{}");
        long base = 100;
        long max = 1_000;
        TokenEndpointClient c = timedClient(new FakeTime(), Map.of(
                "sasl.login.retry.backoff.max.ms", String.valueOf(max)), "loginTimeoutMs",
                "8000");
        Set<Long> distinct = new HashSet<>();
        int draws = 0;
        for (int round = 0; round < 10; round++) {
            sleeps.clear();
            assertTrue(failure(c).isRetriable());
            assertTrue(sleeps.size() >= 8, "attempts: " + (sleeps.size() + 1));
            for (int i = 0; i < sleeps.size(); i++) {
                int attempt = i + 1;
                long ms = sleeps.get(i).toMillis();
                long cap = Math.min(max, base << (attempt - 1));
                assertTrue(ms >= base && ms <= cap, "attempt " + attempt + " waited " + ms
                        + " ms, outside [" + base + ", " + cap + "]");
                if (attempt > 1) {
                    distinct.add(ms);
                    draws++;
                }
            }
        }
        assertTrue(distinct.size() > 10, "jittered waits are not all alike: " + distinct
                + " of " + draws + " draws");
    }

    @Test
    void fetch_retryAfterSecondsBeyondTheCap_waitsFiveMinutes() {
        retryAfterThenToken("3600");
        timedClient(new FakeTime(), Map.of(), "loginTimeoutMs", "600000").fetch();
        assertEquals(List.of(Duration.ofMinutes(5)), sleeps);
    }

    @Test
    void fetch_retryAfterHttpDateBeyondTheCap_waitsFiveMinutes() {
        FakeTime time = new FakeTime();
        retryAfterThenToken(DateTimeFormatter.RFC_1123_DATE_TIME.format(
                time.now().plus(Duration.ofHours(2)).atZone(ZoneOffset.UTC)));
        timedClient(time, Map.of(), "loginTimeoutMs", "600000").fetch();
        assertEquals(List.of(Duration.ofMinutes(5)), sleeps);
    }

    private void retryAfterThenToken(String retryAfter) {
        server.stubFor(post(urlEqualTo("/token")).inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", retryAfter))
                .willSetStateTo("ok"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("limited").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"opaque\","
                        + "\"token_type\":\"Bearer\",\"expires_in\":300}")));
    }

    @Test
    void fetch_backoffSleepInterrupted_failsAtOnceAndKeepsTheInterruptFlag() {
        answer(503, "{}");
        LoginOptions o = loginOptions(Map.of());
        TokenEndpointClient c = new TokenEndpointClient(o, Clock.systemUTC(), d -> {
            throw new InterruptedException("test");
        });
        try {
            TokenRequestException e = assertThrows(TokenRequestException.class, c::fetch);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set");
            assertTrue(e.getMessage().contains("Interrupted while waiting to retry"),
                    e.getMessage());
            assertTrue(e.getCause() instanceof InterruptedException, String.valueOf(e));
            assertTrue(e.getSuppressed()[0].getMessage().contains("HTTP 503"), String.valueOf(
                    e.getSuppressed()[0]));
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, server.getAllServeEvents().size(), "no request after the interrupt");
    }

    @Test
    void fetch_threadInterruptedBeforeTheBackoff_realSleeperEndsAtOnceWithFlagSet() {
        answer(503, "{}");
        // The production sleeper (Thread.sleep) throws at once when the flag is already set.
        TokenEndpointClient c = new TokenEndpointClient(loginOptions(Map.of(),
                "loginTimeoutMs", "600000"));
        Thread.currentThread().interrupt();
        try {
            TokenRequestException e = assertThrows(TokenRequestException.class, c::fetch);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set");
            assertTrue(e.getMessage().contains("Interrupted"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, server.getAllServeEvents().size());
    }
}
