package dev.kafkaoauth.login;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.security.auth.callback.Callback;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuthConnectionTest {

    private static final String PRINTABLE_ASCII = printableAscii();

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        answerWithToken(300);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private String url() {
        return "http://127.0.0.1:" + server.port() + "/token";
    }

    private void answerWithToken(long lifetime) {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"access_token\":\"" + jwt("svc-" + lifetime, lifetime)
                                + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetime
                                + "}")));
    }

    /** An unsigned-looking JWS: the handler reads claims without checking the signature. */
    private static String jwt(String sub, long lifetime) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        long now = Instant.now().getEpochSecond();
        String claims = "{\"sub\":\"" + sub + "\",\"scope\":\"kafka read\",\"iat\":" + now
                + ",\"exp\":" + (now + lifetime) + "}";
        return b.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    private static String printableAscii() {
        StringBuilder s = new StringBuilder();
        for (char c = 0x20; c <= 0x7e; c++) {
            s.append(c);
        }
        return s.toString();
    }

    private OAuthConnection.Builder valid(String clientId) {
        return OAuthConnection.builder().tokenEndpointUrl(url()).clientId(clientId)
                .clientSecret("s3cret-value").scope("kafka");
    }

    @Test
    void toKafkaProperties_validFields_namesHandlerMechanismEndpointAndJaas() {
        Map<String, Object> p = valid("app").build().toKafkaProperties();

        assertEquals("OAUTHBEARER", p.get(SaslConfigs.SASL_MECHANISM));
        assertEquals(OAuthLoginCallbackHandler.class.getName(),
                p.get(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS));
        assertEquals(url(), p.get(OAuthLoginConfig.TOKEN_ENDPOINT_URL));
        assertEquals("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
                + " required clientId=\"app\" clientSecret=\"s3cret-value\" scope=\"kafka\";",
                p.get(SaslConfigs.SASL_JAAS_CONFIG));
        assertFalse(p.containsKey("security.protocol"), "left to the caller");
    }

    @Test
    void build_noFields_reportsEachRequiredField() {
        ConnectionValidationException e = assertThrows(ConnectionValidationException.class,
                () -> OAuthConnection.builder().build());

        assertEquals(List.of("tokenEndpointUrl", "clientId", "clientSecret"), fields(e));
    }

    @Test
    void validate_severalBadFields_reportsEachWithItsField() {
        List<FieldProblem> problems = OAuthConnection.builder()
                .tokenEndpointUrl("ftp://idp.example.com/token")
                .clientId("app").clientSecret("Sup3r\"Secret")
                .clientAuthMethod("client_secret_jwt")
                .refreshFraction(5)
                .loginTimeoutMs(-1)
                .extension("bad name", "x")
                .requestParameter("audience", "kafka")
                .validate();

        assertEquals(List.of("extension_bad name", "tokenEndpointUrl", "clientAuthMethod",
                "loginTimeoutMs", "refreshFraction"),
                problems.stream().map(FieldProblem::field).collect(Collectors.toList()),
                problems.toString());
        for (FieldProblem p : problems) {
            assertFalse(p.message().contains("Sup3r"), p.toString());
        }
    }

    @Test
    void validate_secretWithoutClientId_reportsClientId() {
        List<FieldProblem> problems = OAuthConnection.builder().tokenEndpointUrl(url())
                .clientSecret("secret").validate();

        assertEquals(List.of("clientId"), problems.stream().map(FieldProblem::field)
                .collect(Collectors.toList()), problems.toString());
    }

    @Test
    void validate_badExtensionValue_namesTheExtensionField() {
        List<FieldProblem> problems = valid("app").extension("traceId", "caf\u00e9").validate();

        assertEquals(1, problems.size(), problems.toString());
        assertEquals("extension_traceId", problems.get(0).field());
    }

    @Test
    void toString_anyConnection_hidesSecretAndUnknownOptionValues() {
        String secret = "Do-not-show-me-" + UUID.randomUUID();
        OAuthConnection c = valid("app").clientSecret(secret)
                .jaasOption("someFuturePassphrase", "hush-" + secret).build();

        assertFalse(c.toString().contains(secret), c.toString());
        assertTrue(c.toString().contains("clientId=app"), c.toString());
        assertFalse(c.jaasConfig().toString().contains(secret));
    }

    @Test
    void quote_secretsOfEveryKind_comeBackFromKafkasJaasParserUnchanged() {
        List<String> secrets = new ArrayList<>(tableOfSecrets());
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            secrets.add(randomSecret(random));
        }
        for (String secret : secrets) {
            Map<String, String> jaas = new LinkedHashMap<>();
            jaas.put("clientId", "app");
            jaas.put("clientSecret", secret);
            jaas.put("scope", "a b");
            Map<String, Object> configs = Map.of(SaslConfigs.SASL_JAAS_CONFIG,
                    new Password(OAuthConnection.jaasConfig(jaas)));
            Map<String, ?> parsed = JaasContext.loadClientContext(configs)
                    .configurationEntries().get(0).getOptions();
            assertEquals(jaas, parsed, () -> "secret " + escapeForMessage(secret));
        }
    }

    @Test
    void handler_secretsOfEveryKind_reachTheTokenRequestByteForByte() throws Exception {
        List<String> secrets = new ArrayList<>(tableOfSecrets());
        Random random = new Random(7);
        for (int i = 0; i < 60; i++) {
            secrets.add(randomSecret(random));
        }
        int n = 0;
        for (String secret : secrets) {
            for (String method : List.of("client_secret_basic", "client_secret_post")) {
                String clientId = "id:" + (n++) + " \"q\"\\;=é";
                Map<String, Object> props = OAuthConnection.builder().tokenEndpointUrl(url())
                        .clientId(clientId).clientSecret(secret).clientAuthMethod(method)
                        .jaasOption("tokenCache", "private").build().toKafkaProperties();
                fetchWithHandler(props);
                LoggedRequest request = lastTokenRequest();
                Map<String, String> form = form(request.getBodyAsString());
                String shown = escapeForMessage(secret);
                if (method.equals("client_secret_basic")) {
                    String[] basic = basic(request.getHeader("Authorization"));
                    assertEquals(clientId, basic[0], shown);
                    assertEquals(secret, basic[1], shown);
                } else {
                    assertEquals(clientId, form.get("client_id"), shown);
                    assertEquals(secret, form.get("client_secret"), shown);
                }
                assertEquals("client_credentials", form.get("grant_type"));
            }
        }
    }

    private static void fetchWithHandler(Map<String, Object> props) throws Exception {
        Map<String, Object> passed = ClientConfigs.asClientPasses(props);
        OAuthLoginCallbackHandler handler = new OAuthLoginCallbackHandler();
        handler.configure(passed, "OAUTHBEARER",
                JaasContext.loadClientContext(passed).configurationEntries());
        try {
            OAuthBearerTokenCallback cb = new OAuthBearerTokenCallback();
            handler.handle(new Callback[] {cb});
            assertNull(cb.errorCode(), cb.errorDescription());
        } finally {
            handler.close();
        }
    }

    private LoggedRequest lastTokenRequest() {
        List<LoggedRequest> all = server.findAll(postRequestedFor(urlEqualTo("/token")));
        return all.get(all.size() - 1);
    }

    private static String[] basic(String header) {
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)),
                StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return new String[] {
            URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
            URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    }

    private static Map<String, String> form(String body) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            result.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return result;
    }

    private static List<String> tableOfSecrets() {
        return List.of(PRINTABLE_ASCII, "\"", "\\", "\\\"", "ends with backslash\\",
                "\"quoted\"", "a;b", "a=b", "key=\"v\";", " leading and trailing ",
                "semi;colon=equals \"quote\" \\back\\slash", "p\u00e4\u00df w\u00f6rd",
                "\u65e5\u672c\u8a9e\u30d1\u30b9", "\u0416\u0451\u0441\u0442\u043a\u0438\u0439",
                "/* not a comment */", "// nor this", "${file:/x:y}", "tab\there",
                "line\nbreak", "cr\rlf\r\n", "'single'", "+/:%&?#", "x".repeat(500));
    }

    private static String randomSecret(Random random) {
        String extra = "\u00e4\u00f6\u00fc\u00df\u00e9\u00f1\u65e5\u0416";
        int length = 1 + random.nextInt(40);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(10) == 0 ? extra.charAt(random.nextInt(extra.length()))
                    : PRINTABLE_ASCII.charAt(random.nextInt(PRINTABLE_ASCII.length())));
        }
        return s.toString();
    }

    private static String escapeForMessage(String s) {
        return s.chars().mapToObj(c -> String.format("\\u%04x", c))
                .collect(Collectors.joining());
    }

    private static java.nio.file.Path rsaKeyFile(java.nio.file.Path dir) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                g.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return java.nio.file.Files.writeString(dir.resolve("key.pem"), pem);
    }

    @Test
    void build_privateKeyFileWithoutSecret_signsAssertionsAndHidesThePassphrase(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        OAuthConnection c = OAuthConnection.builder().tokenEndpointUrl(url()).clientId("app")
                .privateKeyFile(rsaKeyFile(dir).toString()).privateKeyPassphrase("pp-Canary")
                .build();

        Map<String, Object> p = c.toKafkaProperties();
        assertEquals(dir.resolve("key.pem").toString(),
                p.get(OAuthLoginConfig.ASSERTION_PRIVATE_KEY_FILE));
        assertFalse(c.toString().contains("pp-Canary"), c.toString());
        assertFalse(p.get(SaslConfigs.SASL_JAAS_CONFIG).toString().contains("clientSecret"));
    }

    @Test
    void build_secretAndPrivateKeyFile_reportsTheContradiction(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ConnectionValidationException e = assertThrows(ConnectionValidationException.class,
                () -> valid("app").privateKeyFile(rsaKeyFile(dir).toString()).build());
        String messages = e.problems().stream().map(FieldProblem::message)
                .collect(Collectors.joining(" | "));
        assertTrue(messages.contains("contradict"), messages);
        assertFalse(messages.contains("s3cret-value"), messages);
    }

    @Test
    void build_issuerUrlInsteadOfEndpoint_isValid() {
        OAuthConnection c = OAuthConnection.builder().issuerUrl("https://idp.example/realms/k")
                .clientId("app").clientSecret("s3cret-value").build();
        assertFalse(c.toKafkaProperties().containsKey(OAuthLoginConfig.TOKEN_ENDPOINT_URL));
        assertTrue(c.toString().contains("https://idp.example/realms/k"), c.toString());
    }

    private static List<String> fields(ConnectionValidationException e) {
        return e.problems().stream().map(FieldProblem::field).collect(Collectors.toList());
    }

    @Test
    void test_validConnection_passesWithTokenDetailsAndNoSecret() {
        String secret = "check-secret-" + UUID.randomUUID();
        CheckReport report = valid("check-" + UUID.randomUUID()).clientSecret(secret).build()
                .test(CheckOptions.tokenOnly(), Map.of("security.protocol", "SASL_SSL"));

        assertEquals(CheckStatus.PASS, report.verdict(), report.toText());
        CheckStep token = report.step(CheckStep.TOKEN).orElseThrow();
        assertEquals("svc-300", token.details().get("subject"));
        assertEquals("JWT", token.details().get("type"));
        assertEquals("kafka read", token.details().get("scopes"));
        assertEquals(CheckStatus.SKIPPED,
                report.step(CheckStep.BROKER_LOGIN).orElseThrow().status());
        assertFalse(report.toString().contains(secret));
        assertFalse(report.toText().contains(secret));
    }

    @Test
    void test_cachedTokenExists_fetchesAFreshOneAnyway() {
        OAuthConnection c = valid("fresh-" + UUID.randomUUID()).build();
        try (AccessTokenSupplier supplier = c.accessTokenSupplier()) {
            supplier.get();
            int before = server.findAll(postRequestedFor(urlEqualTo("/token"))).size();

            c.test(CheckOptions.tokenOnly(), Map.of("security.protocol", "SASL_SSL"));

            assertEquals(before + 1,
                    server.findAll(postRequestedFor(urlEqualTo("/token"))).size());
        }
    }

    @Test
    void test_invalidClient_failsTokenRequestWithRemedy() {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":\"invalid_client\",\"error_description\":\"bad creds\"}")));
        String secret = "wrong-secret-" + UUID.randomUUID();

        CheckReport report = valid("bad-" + UUID.randomUUID()).clientSecret(secret).build()
                .test(CheckOptions.tokenOnly(), Map.of("security.protocol", "SASL_SSL"));

        CheckStep step = report.firstFailure().orElseThrow();
        assertEquals(CheckStep.TOKEN_REQUEST, step.name(), report.toText());
        assertTrue(step.cause().contains("invalid_client"), step.cause());
        assertTrue(step.remedy().contains("client id and secret"), step.remedy());
        assertEquals(CheckStatus.SKIPPED, report.step(CheckStep.TOKEN).orElseThrow().status());
        assertFalse(report.toText().contains(secret));
    }

    @Test
    void test_invalidClientWithPrivateKeyJwt_pointsAtTheRegisteredKey(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":\"invalid_client\"}")));

        CheckReport report = OAuthConnection.builder().tokenEndpointUrl(url()).clientId("app")
                .privateKeyFile(rsaKeyFile(dir).toString()).build()
                .test(CheckOptions.tokenOnly(), Map.of("security.protocol", "SASL_SSL"));

        CheckStep step = report.firstFailure().orElseThrow();
        assertEquals(CheckStep.TOKEN_REQUEST, step.name(), report.toText());
        assertTrue(step.remedy().contains("public key"), step.remedy());
        assertEquals("private_key_jwt", step.details().get("authMethod"));
        String assertion = URLDecoder.decode(server.findAll(postRequestedFor(
                urlEqualTo("/token"))).get(0).getBodyAsString(), StandardCharsets.UTF_8)
                .replaceAll(".*client_assertion=([^&]+).*", "$1");
        assertTrue(assertion.length() > 100, "a signed assertion was sent");
        assertFalse(report.toText().contains(assertion), "the assertion is not shown");
    }

    @Test
    void test_issuerWithoutDiscoveryDocument_pointsAtIssuerUrl() {
        CheckReport report = OAuthConnection.builder()
                .issuerUrl("http://127.0.0.1:" + server.port() + "/realms/none").clientId("app")
                .clientSecret("s3cret-value").build()
                .test(CheckOptions.tokenOnly(), Map.of("security.protocol", "SASL_SSL"));

        CheckStep step = report.firstFailure().orElseThrow();
        assertEquals(CheckStep.TOKEN_REQUEST, step.name(), report.toText());
        assertTrue(step.cause().contains("HTTP 404"), step.cause());
        assertTrue(step.remedy().startsWith("Check the JAAS option issuerUrl"), step.remedy());
    }

    @Test
    void test_propertiesWithoutHandlerClass_failsConfiguration() {
        Map<String, Object> props = new LinkedHashMap<>(valid("x").build().toKafkaProperties());
        props.remove(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS);

        CheckReport report = OAuthConnection.test(props, CheckOptions.tokenOnly());

        CheckStep step = report.firstFailure().orElseThrow();
        assertEquals(CheckStep.CONFIGURATION, step.name());
        assertTrue(step.cause().contains(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS));
        assertEquals(0, server.findAll(postRequestedFor(urlEqualTo("/token"))).size());
    }

    @Test
    void test_brokerLoginWithoutSaslProtocol_failsConfiguration() {
        CheckReport report = valid("p").build().test(
                CheckOptions.withBrokerLogin(java.time.Duration.ofSeconds(1)),
                Map.of("bootstrap.servers", "127.0.0.1:1"));

        assertEquals(CheckStep.CONFIGURATION, report.firstFailure().orElseThrow().name());
        assertTrue(report.firstFailure().orElseThrow().cause().contains("security.protocol"));
    }

    @Test
    void accessTokenSupplier_supplierAndClientHandlers_shareOneTokenRequest() throws Exception {
        OAuthConnection c = valid("shared-" + UUID.randomUUID()).build();
        try (AccessTokenSupplier a = c.accessTokenSupplier();
                AccessTokenSupplier b = c.accessTokenSupplier()) {
            String first = a.get();
            fetchWithHandler(c.toKafkaProperties());
            assertEquals(first, b.get());
        }

        assertEquals(1, server.findAll(postRequestedFor(urlEqualTo("/token"))).size());
    }

    @Test
    void accessTokenSupplier_closed_refusesGet() {
        AccessTokenSupplier s = valid("closed-" + UUID.randomUUID()).build()
                .accessTokenSupplier();
        s.close();
        s.close();

        assertThrows(IllegalStateException.class, s::get);
    }
}
