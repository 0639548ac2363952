package dev.kafkaoauth.login.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.kafkaoauth.login.TokenRequestException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per identity-provider behaviour: what the stub server (WireMock, or a JDK HTTPS
 * server for TLS) does, and what the client must make of it: a token, or a final or retriable
 * failure after a number of requests, with the words the error must contain. Waits go to a
 * fake clock, so retries take no wall time: backoff is fixed at 100 ms and the login deadline
 * is 250 ms unless a row says otherwise, which gives three attempts to a persistent fault.
 */
class IdentityProviderBehaviourTest {

    static final String SECRET = "Row-Secret+/:%";
    static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static WireMockServer wm;
    private static TestTlsServer tls;
    private static TestTlsServer wrongHost;
    private static TestTlsServer mutual;

    /** How a row ends; CONFIG: configure() refuses the settings (for the TRACE pass). */
    enum Outcome { TOKEN, FINAL, RETRIABLE, CONFIG }

    @BeforeAll
    static void start() throws Exception {
        startServers(dir);
    }

    /** The stub servers and the PKI in a folder; also for the TRACE pass of the table. */
    static void startServers(Path folder) throws Exception {
        pki = new TestPki(folder);
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        tls = new TestTlsServer(pki.serverContext, false);
        wrongHost = new TestTlsServer(pki.wrongHostContext, false);
        mutual = new TestTlsServer(pki.serverContext, true);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        tls.close();
        wrongHost.close();
        mutual.close();
    }

    /** A row of the table; built fluently so that each reads as one sentence. */
    static final class Row {
        final String name;
        final List<ResponseDefinitionBuilder> responses = new ArrayList<>();
        final Map<String, String> jaas = new HashMap<>();
        final Map<String, String> configs = new HashMap<>();
        Function<TestPki, TestTlsServer> tlsServer;
        Outcome outcome;
        int requests;
        List<String> words = List.of();
        List<Duration> sleeps;
        boolean withoutSecret;

        Row(String name) {
            this.name = name;
        }

        /** WireMock answers these in turn, the last one for every further request. */
        Row answers(ResponseDefinitionBuilder... r) {
            responses.addAll(List.of(r));
            return this;
        }

        Row tls(Function<TestPki, TestTlsServer> server) {
            this.tlsServer = server;
            return this;
        }

        Row jaas(String... pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                jaas.put(pairs[i], pairs[i + 1]);
            }
            return this;
        }

        Row config(String name, String value) {
            configs.put(name, value);
            return this;
        }

        Row expect(Outcome o, int requestCount, String... expectedWords) {
            this.outcome = o;
            this.requests = requestCount;
            this.words = List.of(expectedWords);
            return this;
        }

        /** The client has no secret (it authenticates otherwise). */
        Row withoutSecret() {
            this.withoutSecret = true;
            return this;
        }

        Row sleeps(Duration... d) {
            this.sleeps = List.of(d);
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name) {
        return new Row(name);
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    static ResponseDefinitionBuilder status(int status) {
        return aResponse().withStatus(status);
    }

    private static String jwt(Object exp) {
        return exp == null ? Jwts.jwt(Map.of("sub", "row-app"))
                : Jwts.jwt(Map.of("sub", "row-app", "exp", exp));
    }

    private static String tokenJson(String token, String tokenType, String expiresIn) {
        return "{\"access_token\":\"" + token + "\""
                + (tokenType == null ? "" : ",\"token_type\":\"" + tokenType + "\"")
                + (expiresIn == null ? "" : ",\"expires_in\":" + expiresIn) + "}";
    }

    static ResponseDefinitionBuilder okJwt() {
        return json(200, tokenJson(jwt(START.plusSeconds(300)), "Bearer", "300"));
    }

    static String oauthError(String error) {
        return "{\"error\":\"" + error + "\",\"error_description\":\"described " + error
                + "\"}";
    }

    static Stream<Row> rows() {
        String httpDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(START.plusSeconds(3), ZoneOffset.UTC));
        String big = "{\"access_token\":\"" + "a".repeat(1 << 20) + "\"}";
        return Stream.of(
            row("200 JWT").answers(okJwt()).expect(Outcome.TOKEN, 1),
            row("200 opaque, expires_in number").answers(json(200,
                    tokenJson("opaque-1", "Bearer", "120"))).expect(Outcome.TOKEN, 1),
            row("200 opaque, expires_in numeric string").answers(json(200,
                    tokenJson("opaque-2", "Bearer", "\"120\""))).expect(Outcome.TOKEN, 1),
            row("token_type in another case").answers(json(200,
                    tokenJson(jwt(START.plusSeconds(60)), "bEaReR", null)))
                    .expect(Outcome.TOKEN, 1),
            row("token_type missing").answers(json(200,
                    tokenJson("opaque-3", null, "60"))).expect(Outcome.TOKEN, 1),
            row("400 invalid_grant").answers(json(400, oauthError("invalid_grant")))
                    .expect(Outcome.FINAL, 1, "HTTP 400", "error=invalid_grant",
                            "error_description=described invalid_grant", "Not retried"),
            row("400 invalid_scope").answers(json(400, oauthError("invalid_scope")))
                    .expect(Outcome.FINAL, 1, "HTTP 400", "error=invalid_scope"),
            row("400 unauthorized_client").answers(json(400, oauthError("unauthorized_client")))
                    .expect(Outcome.FINAL, 1, "error=unauthorized_client"),
            row("400 unsupported_grant_type").answers(json(400,
                    oauthError("unsupported_grant_type")))
                    .expect(Outcome.FINAL, 1, "error=unsupported_grant_type"),
            row("401 invalid_client").answers(json(401, oauthError("invalid_client")))
                    .expect(Outcome.FINAL, 1, "HTTP 401", "error=invalid_client"),
            row("401 WWW-Authenticate, no body").answers(status(401).withHeader(
                    "WWW-Authenticate", "Basic realm=\"idp\", error=\"invalid_client\""))
                    .expect(Outcome.FINAL, 1, "HTTP 401", "empty body",
                            "WWW-Authenticate: Basic realm=\"idp\"", "Not retried"),
            row("403 HTML").answers(status(403).withHeader("Content-Type", "text/html")
                    .withBody("<html><body>Forbidden</body></html>"))
                    .expect(Outcome.FINAL, 1, "HTTP 403", "HTML or XML", "text/html"),
            row("404").answers(status(404)).expect(Outcome.FINAL, 1, "HTTP 404", "Not retried"),
            row("408").answers(status(408))
                    .expect(Outcome.RETRIABLE, 3, "HTTP 408", "Gave up after 3 attempts"),
            row("429 without Retry-After").answers(status(429))
                    .expect(Outcome.RETRIABLE, 3, "HTTP 429").sleeps(ms(100), ms(100)),
            row("429 Retry-After seconds, then 200").jaas("loginTimeoutMs", "10000")
                    .answers(status(429).withHeader("Retry-After", "2"), okJwt())
                    .expect(Outcome.TOKEN, 2).sleeps(Duration.ofSeconds(2)),
            row("429 Retry-After HTTP date, then 200").jaas("loginTimeoutMs", "10000")
                    .answers(status(429).withHeader("Retry-After", httpDate), okJwt())
                    .expect(Outcome.TOKEN, 2).sleeps(Duration.ofSeconds(3)),
            row("429 Retry-After beyond the deadline").answers(status(429)
                    .withHeader("Retry-After", "60"))
                    .expect(Outcome.RETRIABLE, 1, "HTTP 429", "Retry-After 60 s")
                    .sleeps(),
            row("500").answers(json(500, "{\"message\":\"boom\"}"))
                    .expect(Outcome.RETRIABLE, 3, "HTTP 500", "not JSON"),
            row("502").answers(status(502)).expect(Outcome.RETRIABLE, 3, "HTTP 502"),
            row("503 then success").answers(status(503), okJwt())
                    .expect(Outcome.TOKEN, 2).sleeps(ms(100)),
            row("504").answers(status(504)).expect(Outcome.RETRIABLE, 3, "HTTP 504"),
            row("slow body beyond the read timeout").config("sasl.login.read.timeout.ms", "300")
                    .jaas("loginTimeoutMs", "0")
                    .answers(okJwt().withChunkedDribbleDelay(4, 2000))
                    .expect(Outcome.RETRIABLE, 1, "no answer within the timeout", "read 300 ms"),
            // HttpURLConnection itself sends a POST again once after a reset
            // (sun.net.http.retryPost, JVM-wide): 3 attempts are 6 requests.
            row("connection reset").answers(aResponse().withFault(
                    Fault.CONNECTION_RESET_BY_PEER))
                    .expect(Outcome.RETRIABLE, 6, "the request failed", "Connection reset"),
            row("200 empty body").answers(status(200))
                    .expect(Outcome.RETRIABLE, 3, "not a JSON object", "empty body"),
            row("200 HTML").answers(status(200).withHeader("Content-Type", "text/html")
                    .withBody("<html>sign in</html>"))
                    .expect(Outcome.RETRIABLE, 3, "not a JSON object", "HTML or XML"),
            row("200 JSON array").answers(json(200, "[{\"access_token\":\"x\"}]"))
                    .expect(Outcome.RETRIABLE, 3, "not a JSON object", "a JSON array"),
            row("200 with an error object").answers(json(200, oauthError("invalid_scope")))
                    .expect(Outcome.FINAL, 1, "error=invalid_scope", "in an HTTP 200"),
            row("200 without access_token").answers(json(200,
                    "{\"token_type\":\"Bearer\",\"expires_in\":60}"))
                    .expect(Outcome.RETRIABLE, 3, "no access_token", "token_type"),
            row("200 token_type not Bearer").answers(json(200,
                    tokenJson("opaque-4", "N_A", "60")))
                    .expect(Outcome.FINAL, 1, "token_type is 'N_A': expected Bearer"),
            row("body over 1 MiB").jaas("loginTimeoutMs", "0").answers(json(200, big))
                    .expect(Outcome.RETRIABLE, 1, "larger than 1 MiB"),
            row("302 redirect not followed").answers(status(302).withHeader("Location",
                    "https://other.idp.example/token"))
                    .expect(Outcome.FINAL, 1, "HTTP 302", "redirects are not followed",
                            "other.idp.example"),
            row("JWT exp in milliseconds").answers(json(200, tokenJson(
                    jwt(START.plusSeconds(300).toEpochMilli()), "Bearer", "300")))
                    .expect(Outcome.FINAL, 1, "exp claim", "milliseconds", "RFC 7519"),
            row("expired JWT").answers(json(200, tokenJson(jwt(START.minusSeconds(60)),
                    "Bearer", null)))
                    .expect(Outcome.RETRIABLE, 3, "the token expired at", "check the clocks"),
            row("JWT without exp or expires_in").answers(json(200, tokenJson(jwt(null),
                    "Bearer", null)))
                    .expect(Outcome.RETRIABLE, 3, "no exp claim", "no expires_in"),
            row("TLS, CA unknown to the JVM").tls(p -> tls)
                    .expect(Outcome.FINAL, 0, "is not trusted", "ssl.truststore.location",
                            "Not retried"),
            row("TLS, trust store of another CA").tls(p -> tls)
                    .jaas("ssl.truststore.location", pki.otherCaPem.toString(),
                            "ssl.truststore.type", "PEM")
                    .expect(Outcome.FINAL, 0, "is not trusted"),
            row("TLS, wrong host name").tls(p -> wrongHost)
                    .jaas("ssl.truststore.location", pki.trustJks.toString(),
                            "ssl.truststore.password", TestPki.STORE_PASSWORD)
                    .expect(Outcome.FINAL, 0, "does not match host 127.0.0.1",
                            "ssl.endpoint.identification.algorithm"),
            row("TLS ok, JKS trust store").tls(p -> tls)
                    .jaas("ssl.truststore.location", pki.trustJks.toString(),
                            "ssl.truststore.password", TestPki.STORE_PASSWORD)
                    .expect(Outcome.TOKEN, 1),
            row("TLS ok, PKCS12 trust store").tls(p -> tls)
                    .jaas("ssl.truststore.location", pki.trustP12.toString(),
                            "ssl.truststore.password", TestPki.STORE_PASSWORD,
                            "ssl.truststore.type", "PKCS12")
                    .expect(Outcome.TOKEN, 1),
            row("TLS ok, PEM trust store file").tls(p -> tls)
                    .jaas("ssl.truststore.location", pki.trustPem.toString(),
                            "ssl.truststore.type", "PEM")
                    .expect(Outcome.TOKEN, 1),
            row("TLS ok, inline PEM certificates, TLSv1.2").tls(p -> tls)
                    .jaas("ssl.truststore.certificates", caPem(), "ssl.protocol", "TLSv1.2")
                    .expect(Outcome.TOKEN, 1),
            row("TLS, host name verification off").tls(p -> wrongHost)
                    .jaas("ssl.truststore.location", pki.trustPem.toString(),
                            "ssl.truststore.type", "PEM",
                            "ssl.endpoint.identification.algorithm", "")
                    .expect(Outcome.TOKEN, 1),
            row("mutual TLS, PKCS12 key store").tls(p -> mutual)
                    .jaas("ssl.truststore.location", pki.trustPem.toString(),
                            "ssl.truststore.type", "PEM",
                            "ssl.keystore.location", pki.clientP12.toString(),
                            "ssl.keystore.type", "PKCS12",
                            "ssl.keystore.password", TestPki.STORE_PASSWORD,
                            "ssl.key.password", TestPki.KEY_PASSWORD)
                    .expect(Outcome.TOKEN, 1),
            row("mutual TLS, inline PEM key and chain").tls(p -> mutual)
                    .jaas("ssl.truststore.location", pki.trustPem.toString(),
                            "ssl.truststore.type", "PEM",
                            "ssl.keystore.key", read(pki.clientKeyPem),
                            "ssl.keystore.certificate.chain", read(pki.clientChainPem))
                    .expect(Outcome.TOKEN, 1),
            row("mutual TLS, no client certificate").tls(p -> mutual).jaas("loginTimeoutMs", "0")
                    .jaas("ssl.truststore.location", pki.trustPem.toString(),
                            "ssl.truststore.type", "PEM")
                    .expect(Outcome.RETRIABLE, 0, "Gave up after 1 attempt"));
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static String caPem() {
        return read(pki.trustPem);
    }

    private static String read(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void fetch_identityProviderBehaviour_endsAsTheRowSays(Row row) {
        String url = serve(row);
        MovingClock clock = new MovingClock(START);
        List<Duration> sleeps = new ArrayList<>();
        TokenEndpointClient client = new TokenEndpointClient(loginOptions(url, row), clock, d -> {
            sleeps.add(d);
            clock.advance(d);
        });

        assertEndsAsTheRowSays(row, client::fetch);

        assertEquals(row.requests, requests(row), "requests");
        if (row.sleeps != null) {
            assertEquals(row.sleeps, sleeps);
        }
    }

    /** Makes the row's server answer as the row says; returns the token endpoint. */
    static String serve(Row row) {
        if (row.tlsServer != null) {
            TestTlsServer server = row.tlsServer.apply(pki);
            server.requests.set(0);
            return server.url();
        }
        wm.resetAll();
        for (int i = 0; i < row.responses.size(); i++) {
            boolean last = i == row.responses.size() - 1;
            var stub = post(urlEqualTo("/token")).inScenario("row")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "s" + i)
                    .willReturn(row.responses.get(i));
            wm.stubFor(last ? stub : stub.willSetStateTo("s" + (i + 1)));
        }
        return "http://127.0.0.1:" + wm.port() + "/token";
    }

    /** Requests the row's server received since {@link #serve}. */
    static int requests(Row row) {
        return row.tlsServer != null ? row.tlsServer.apply(pki).requests.get()
                : wm.getAllServeEvents().size();
    }

    /** The stub server's record of what it received. */
    static WireMockServer stub() {
        return wm;
    }

    /**
     * Fetches and checks the outcome against the row: a token, or a failure whose kind and
     * words the row names. Returns the token or the exception.
     */
    static Object assertEndsAsTheRowSays(Row row, Supplier<?> fetch) {
        if (row.outcome == Outcome.TOKEN) {
            Object token = fetch.get();
            assertNotNull(token);
            return token;
        }
        TokenRequestException e = assertThrows(TokenRequestException.class, fetch::get);
        String m = e.getMessage();
        assertEquals(row.outcome == Outcome.RETRIABLE, e.isRetriable(), m);
        assertTrue(m.contains("127.0.0.1"), m);
        for (String word : row.words) {
            assertTrue(m.contains(word), "expected '" + word + "' in: " + m);
        }
        assertFalse(m.contains(SECRET), m);
        assertFalse(m.contains(TestPki.STORE_PASSWORD), m);
        return e;
    }

    /** A clock that moves only when told, as the client's waits go by. */
    static final class MovingClock extends Clock {
        private volatile Instant now;

        MovingClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static LoginOptions loginOptions(String url, Row row) {
        return LoginOptions.parse(configs(url, row), jaas(row), Set.of());
    }

    /** The client properties of a row's client. */
    static Map<String, Object> configs(String url, Row row) {
        Map<String, Object> configs = new HashMap<>();
        configs.put("sasl.oauthbearer.token.endpoint.url", url);
        configs.put("sasl.login.retry.backoff.ms", "100");
        configs.put("sasl.login.retry.backoff.max.ms", "100");
        configs.put("sasl.login.read.timeout.ms", "5000");
        configs.putAll(row.configs);
        return configs;
    }

    /** The JAAS options of a row's client. */
    static Map<String, Object> jaas(Row row) {
        Map<String, Object> jaas = new HashMap<>();
        jaas.put("clientId", "row-app");
        jaas.put("clientSecret", SECRET);
        jaas.put("loginTimeoutMs", "250");
        if (row.withoutSecret) {
            jaas.remove("clientSecret");
        }
        jaas.putAll(row.jaas);
        return jaas;
    }
}
