package dev.kafkaoauth.login.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.TokenRequestException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input for the options without a shared secret, as users produce it: key files, assertion
 * files, discovery documents and option values. Each row ends in a ConfigException from the
 * handler's configure(), a TokenRequestException from a fetch against a stub on loopback, or a
 * working login; a failure names the option or field and what is expected, and no message of
 * the exception or its causes holds key material, a passphrase, an assertion or a token.
 */
class AssertionBadInputTest {

    private static final String KEY_FILE = "sasl.oauthbearer.assertion.private.key.file";
    private static final String PASSPHRASE = "sasl.oauthbearer.assertion.private.key.passphrase";
    private static final String ENDPOINT = "sasl.oauthbearer.token.endpoint.url";
    private static final String RIGHT_PASSPHRASE = "right-Canary-pass7";
    private static final String NON_ASCII_PASSPHRASE = "pässwörd-Ωmega-Canary";
    private static final KeyPair RSA = generate("RSA", 2048);
    private static final KeyPair RSA_2 = generate("RSA", 2048);

    @TempDir
    Path dir;
    private WireMockServer server;
    private final Instant now = Instant.now();
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    /** What a row expects. */
    enum Outcome { CONFIGURE_FAILS, FETCH_FAILS, WORKS }

    /** The inputs of one row: client properties, JAAS options, and text that must not leak. */
    record Input(Map<String, Object> configs, Map<String, Object> jaas, List<String> secrets) {
    }

    @FunctionalInterface
    interface Setup {
        Input make(AssertionBadInputTest t) throws Exception;
    }

    /** One row: a name, its input, the outcome and the words the message must contain. */
    record Row(String name, Setup setup, Outcome outcome, List<String> mustName) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row row(String name, Outcome outcome, Setup setup, String... mustName) {
        return new Row(name, setup, outcome, List.of(mustName));
    }

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"access_token\":\""
                        + Jwts.jwt(Map.of("sub", "app", "exp", Instant.now().plusSeconds(600)))
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":600}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    // ---- key files (sasl.oauthbearer.assertion.private.key.file) ----

    static Stream<Row> keyFiles() {
        return Stream.of(
                row("empty", Outcome.CONFIGURE_FAILS, t -> t.keyFile(""),
                        KEY_FILE, "BEGIN PRIVATE KEY"),
                row("binary DER", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFileBytes(RSA.getPrivate().getEncoded()), KEY_FILE, "PEM"),
                row("certificate only", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFile(certificatePem(RSA)), KEY_FILE, "BEGIN PRIVATE KEY"),
                row("Windows line endings", Outcome.WORKS,
                        t -> t.keyFile(pkcs8(RSA).replace("\n", "\r\n"))),
                row("leading text", Outcome.WORKS, t -> t.keyFile("Bag Attributes\n"
                        + "    localKeyID: 01 02 03\nKey Attributes: <No Attributes>\n"
                        + pkcs8(RSA))),
                row("key after its certificate", Outcome.WORKS,
                        t -> t.keyFile(certificatePem(RSA) + pkcs8(RSA))),
                row("two keys", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFile(pkcs8(RSA) + pkcs8(RSA_2)), KEY_FILE, "one"),
                row("Ed25519", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFile(TestPki.pem("PRIVATE KEY",
                                generate("Ed25519", 0).getPrivate().getEncoded())),
                        KEY_FILE, "RSA", "EC"),
                row("DSA", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFile(TestPki.pem("PRIVATE KEY",
                                generate("DSA", 2048).getPrivate().getEncoded())),
                        KEY_FILE, "RSA", "EC"),
                row("bad base64", Outcome.CONFIGURE_FAILS, t -> t.keyFile(
                        "-----BEGIN PRIVATE KEY-----\n@@@\n-----END PRIVATE KEY-----\n"),
                        KEY_FILE, "base64"),
                row("directory", Outcome.CONFIGURE_FAILS, t -> t.input(
                        Map.of(KEY_FILE, Files.createDirectory(t.dir.resolve("keys"))
                                .toString()), Map.of()), KEY_FILE, "directory"),
                row("encrypted, empty passphrase", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFile(encrypted(RIGHT_PASSPHRASE), PASSPHRASE, ""),
                        PASSPHRASE),
                row("encrypted, wrong passphrase", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFile(encrypted(RIGHT_PASSPHRASE), PASSPHRASE,
                                "wrong-Canary-pass8"), PASSPHRASE, "wrong"),
                row("encrypted, non-ASCII passphrase", Outcome.WORKS,
                        t -> t.keyFile(encrypted(NON_ASCII_PASSPHRASE), PASSPHRASE,
                                NON_ASCII_PASSPHRASE)),
                row("encrypted, wrong non-ASCII passphrase", Outcome.CONFIGURE_FAILS,
                        t -> t.keyFile(encrypted(NON_ASCII_PASSPHRASE), PASSPHRASE,
                                "pässwörd-Ωmega-Canary-nö"), PASSPHRASE, "wrong"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyFiles")
    void configure_badKeyFile_failsNamingTheKeyOption(Row row) throws Exception {
        check(row);
    }

    // ---- assertion files (clientAssertionFile) ----

    static Stream<Row> assertionFiles() {
        String file = "JAAS option clientAssertionFile";
        return Stream.of(
                row("directory", Outcome.FETCH_FAILS, t -> t.assertionFile(
                        Files.createDirectory(t.dir.resolve("token-dir"))), file, "directory"),
                row("empty", Outcome.FETCH_FAILS, t -> t.assertionText(""), "empty"),
                row("whitespace", Outcome.FETCH_FAILS, t -> t.assertionText(" \n\t\r\n"),
                        "empty"),
                row("binary", Outcome.FETCH_FAILS, t -> t.assertionFile(Files.write(
                        t.dir.resolve("token"), new byte[] {(byte) 0xff, 0, (byte) 0xfe})),
                        file, "text"),
                row("JWT without exp", Outcome.FETCH_FAILS, t -> t.assertionText(
                        Jwts.jwt(Map.of("iss", "k8s", "sub", "sa"))), "exp"),
                row("JWT with exp in milliseconds", Outcome.FETCH_FAILS,
                        t -> t.assertionText(Jwts.jwt(Map.of("iss", "k8s", "sub", "sa",
                                "exp", t.now.plusSeconds(3600).toEpochMilli()))),
                        "exp", "milliseconds"),
                row("three dots", Outcome.FETCH_FAILS, t -> t.assertionText("..."), "JWT"),
                row("two dots", Outcome.FETCH_FAILS, t -> t.assertionText(".."), "JWT"),
                row("not base64 parts", Outcome.FETCH_FAILS,
                        t -> t.assertionText("a!b.c$d.e%f"), "JWT"),
                row("claims not JSON", Outcome.FETCH_FAILS, t -> t.assertionText(
                        "eyJhbGciOiJSUzI1NiJ9." + b64("not json") + ".c2ln"), "claims"),
                row("JWT with trailing newline", Outcome.WORKS, t -> t.assertionText(
                        Jwts.jwt(Map.of("sub", "sa", "exp", t.now.plusSeconds(3600)))
                                + "\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("assertionFiles")
    void fetch_badAssertionFile_failsNamingTheFile(Row row) throws Exception {
        check(row);
    }

    // ---- discovery (issuerUrl) ----

    static Stream<Row> discovery() {
        return Stream.of(
                row("issuerUrl with slash, document without", Outcome.FETCH_FAILS,
                        t -> t.discovering("/", "{\"issuer\":\"" + t.issuer() + "\","
                                + "\"token_endpoint\":\"" + t.endpoint() + "\"}"),
                        "issuerUrl", "issuer"),
                row("issuerUrl without slash, document with", Outcome.FETCH_FAILS,
                        t -> t.discovering("", "{\"issuer\":\"" + t.issuer() + "/\","
                                + "\"token_endpoint\":\"" + t.endpoint() + "\"}"),
                        "issuerUrl", "issuer"),
                row("issuer as a number", Outcome.FETCH_FAILS, t -> t.discovering("",
                        "{\"issuer\":42,\"token_endpoint\":\"" + t.endpoint() + "\"}"),
                        "issuerUrl", "issuer"),
                row("HTML", Outcome.FETCH_FAILS, t -> t.discovering("",
                        "<html><body>Sign in</body></html>"), "JSON object", "HTML"),
                row("array", Outcome.FETCH_FAILS, t -> t.discovering("",
                        "[{\"issuer\":\"" + t.issuer() + "\"}]"), "JSON object", "array"),
                row("token_endpoint a number", Outcome.FETCH_FAILS, t -> t.discovering("",
                        "{\"issuer\":\"" + t.issuer() + "\",\"token_endpoint\":443}"),
                        "token_endpoint", "https:"),
                row("token_endpoint relative", Outcome.FETCH_FAILS, t -> t.discovering("",
                        "{\"issuer\":\"" + t.issuer() + "\",\"token_endpoint\":\"/token\"}"),
                        "token_endpoint", "https:"),
                row("token_endpoint a file URL", Outcome.FETCH_FAILS, t -> t.discovering("",
                        "{\"issuer\":\"" + t.issuer() + "\",\"token_endpoint\":"
                                + "\"file:/etc/passwd\"}"), "token_endpoint", "https:"),
                row("auth methods a string", Outcome.WORKS, t -> t.discovering("",
                        "{\"issuer\":\"" + t.issuer() + "\",\"token_endpoint\":\""
                                + t.endpoint() + "\",\"token_endpoint_auth_methods_supported\":"
                                + "\"private_key_jwt\"}")),
                row("2 MiB", Outcome.FETCH_FAILS, t -> t.discovering("", "{\"issuer\":\""
                        + t.issuer() + "\",\"token_endpoint\":\"" + t.endpoint() + "\",\"x\":\""
                        + "a".repeat(2 << 20) + "\"}"), "1 MiB"),
                row("trailing slash on both", Outcome.WORKS, t -> t.discovering("/",
                        "{\"issuer\":\"" + t.issuer() + "/\",\"token_endpoint\":\""
                                + t.endpoint() + "\"}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("discovery")
    void fetch_badDiscoveryDocument_failsNamingTheField(Row row) throws Exception {
        check(row);
    }

    // ---- option values ----

    static Stream<Row> optionValues() {
        return Stream.of(
                row("grantType upper case", Outcome.CONFIGURE_FAILS,
                        t -> t.withKey("grantType", "CLIENT_CREDENTIALS"), "grantType",
                        "client_credentials"),
                row("grantType URN in upper case", Outcome.CONFIGURE_FAILS,
                        t -> t.withKey("grantType", "URN:IETF:PARAMS:OAUTH:GRANT-TYPE:JWT-BEARER"),
                        "grantType", "jwt-bearer"),
                row("grantType with spaces around", Outcome.WORKS,
                        t -> t.withKey("grantType", " client_credentials ")),
                row("clientAuthMethod with spaces around", Outcome.WORKS,
                        t -> t.withKey("clientAuthMethod", " private_key_jwt ")),
                row("clientAuthMethod with spaces inside", Outcome.CONFIGURE_FAILS,
                        t -> t.withKey("clientAuthMethod", "private key jwt"),
                        "clientAuthMethod", "private_key_jwt"),
                row("clientAuthMethod upper case", Outcome.CONFIGURE_FAILS,
                        t -> t.withKey("clientAuthMethod", "PRIVATE_KEY_JWT"),
                        "clientAuthMethod", "private_key_jwt"),
                row("clientAuthMethod as a list", Outcome.CONFIGURE_FAILS,
                        t -> t.withKey("clientAuthMethod", "private_key_jwt, tls_client_auth"),
                        "clientAuthMethod", "private_key_jwt"),
                row("assertion file blank", Outcome.CONFIGURE_FAILS, t -> t.input(
                        Map.of(), Map.of("clientAssertionFile", "  ")), "client secret"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optionValues")
    void configure_badOptionValue_failsNamingTheOption(Row row) throws Exception {
        check(row);
    }

    // ---- the check ----

    private void check(Row row) throws Exception {
        Input in = row.setup().make(this);
        Map<String, Object> configs = new HashMap<>(in.configs());
        if (!configs.containsKey(ENDPOINT) && !in.jaas().containsKey("issuerUrl")) {
            configs.put(ENDPOINT, endpoint());
        }
        configs.putIfAbsent("sasl.login.retry.backoff.ms", "1");
        configs.putIfAbsent("sasl.login.retry.backoff.max.ms", "1");
        Map<String, Object> jaas = new HashMap<>(in.jaas());
        jaas.putIfAbsent("clientId", "app");
        jaas.putIfAbsent("loginTimeoutMs", "0");
        jaas.putIfAbsent("tokenCache", "private");
        RuntimeException thrown = null;
        OAuthLoginCallbackHandler handler = new OAuthLoginCallbackHandler();
        try {
            handler.configure(configs, "OAUTHBEARER", List.of(new AppConfigurationEntry(
                    OAuthBearerLoginModule.class.getName(), LoginModuleControlFlag.REQUIRED,
                    jaas)));
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            handler.close();
        }
        if (thrown == null) {
            // The same options the handler read; a client with a fixed clock and no waits.
            TokenEndpointClient client = new TokenEndpointClient(
                    LoginOptions.parse(configs, jaas, Set.of()), clock, d -> { });
            try {
                assertNotNull(client.fetch());
            } catch (RuntimeException e) {
                thrown = e;
            }
        }
        switch (row.outcome()) {
            case WORKS:
                if (thrown != null) {
                    fail(row.name() + ": expected a login, got " + thrown, thrown);
                }
                checkSentAssertion(row, in);
                return;
            case CONFIGURE_FAILS:
                if (!(thrown instanceof ConfigException)) {
                    fail(row.name() + ": expected a ConfigException, got " + thrown, thrown);
                }
                break;
            default:
                if (!(thrown instanceof TokenRequestException)) {
                    fail(row.name() + ": expected a TokenRequestException, got " + thrown,
                            thrown);
                }
        }
        String message = thrown.getMessage();
        for (String word : row.mustName()) {
            assertTrue(message.contains(word), row.name() + ": '" + word + "' missing from: "
                    + message);
        }
        List<String> secrets = new ArrayList<>(in.secrets());
        secrets.addAll(List.of(RIGHT_PASSPHRASE, NON_ASCII_PASSPHRASE));
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            for (String secret : secrets) {
                assertFalse(m.contains(secret), row.name() + ": a secret is in: " + m);
            }
        }
    }

    /** For a key that works, the sent assertion verifies with the first RSA key. */
    private void checkSentAssertion(Row row, Input in) throws Exception {
        if (!in.configs().containsKey(KEY_FILE)) {
            return;
        }
        var requests = server.findAll(WireMock.postRequestedFor(urlEqualTo("/token")));
        String body = requests.get(requests.size() - 1).getBodyAsString();
        String assertion = null;
        for (String pair : body.split("&")) {
            if (pair.startsWith("client_assertion=")) {
                assertion = URLDecoder.decode(pair.substring(17), StandardCharsets.UTF_8);
            }
        }
        assertNotNull(assertion, row.name() + ": no client_assertion sent");
        assertTrue(SignedJWT.parse(assertion).verify(
                new RSASSAVerifier((RSAPublicKey) RSA.getPublic())), row.name());
    }

    // ---- inputs ----

    private Input input(Map<String, Object> configs, Map<String, Object> jaas,
            String... secrets) {
        return new Input(configs, jaas, List.of(secrets));
    }

    private Input keyFile(String pem, String... moreConfigs) throws Exception {
        Path p = Files.writeString(dir.resolve("key.pem"), pem);
        Map<String, Object> c = new HashMap<>();
        c.put(KEY_FILE, p.toString());
        List<String> secrets = new ArrayList<>(secretLines(pem));
        for (int i = 0; i < moreConfigs.length; i += 2) {
            c.put(moreConfigs[i], moreConfigs[i + 1]);
            if (!moreConfigs[i + 1].isEmpty()) {
                secrets.add(moreConfigs[i + 1]);
            }
        }
        return new Input(c, Map.of(), secrets);
    }

    private Input keyFileBytes(byte[] der) throws Exception {
        Path p = Files.write(dir.resolve("key.der"), der);
        return input(Map.of(KEY_FILE, p.toString()), Map.of(),
                Base64.getEncoder().encodeToString(der).substring(0, 40));
    }

    private Input withKey(String option, String value) throws Exception {
        Path p = Files.writeString(dir.resolve("key.pem"), pkcs8(RSA));
        return input(Map.of(KEY_FILE, p.toString()), Map.of(option, value));
    }

    private Input assertionText(String text) throws Exception {
        Input in = assertionFile(Files.writeString(dir.resolve("token"), text));
        return text.isBlank() ? in : new Input(in.configs(), in.jaas(), List.of(text.trim()));
    }

    private Input assertionFile(Path p) {
        return input(Map.of(), Map.of("clientAssertionFile", p.toString()));
    }

    private Input discovering(String issuerSuffix, String document) {
        server.stubFor(get(urlEqualTo("/realms/kafka/.well-known/openid-configuration"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type",
                        document.startsWith("<") ? "text/html" : "application/json")
                        .withBody(document)));
        return input(Map.of(), Map.of("clientSecret", "secret-Canary-3",
                "issuerUrl", issuer() + issuerSuffix), "secret-Canary-3");
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.port() + "/token";
    }

    private String issuer() {
        return "http://127.0.0.1:" + server.port() + "/realms/kafka";
    }

    // ---- key material ----

    /** The base64 lines of every PEM block: none may appear in a message. */
    private static List<String> secretLines(String pem) {
        List<String> lines = new ArrayList<>();
        for (String line : pem.split("\\R")) {
            if (line.length() >= 40 && !line.startsWith("-----")) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String pkcs8(KeyPair keys) {
        return TestPki.pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** As OpenSSL 1.1 and later write it: PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC. */
    private static String encrypted(String passphrase) throws Exception {
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(new BouncyCastleProvider()).setPRF(PKCS8Generator.PRF_HMACSHA256)
                .setPassword(passphrase.toCharArray()).build();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new JcaPKCS8Generator(RSA.getPrivate(), encryptor));
        }
        return out.toString();
    }

    private static String certificatePem(KeyPair keys) throws Exception {
        Instant now = Instant.now();
        var cert = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(new X500Name("CN=app"), BigInteger.ONE,
                        Date.from(now.minus(Duration.ofHours(1))),
                        Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=app"),
                        keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA")
                                .build(keys.getPrivate())));
        return TestPki.pem("CERTIFICATE", cert.getEncoded());
    }

    private static KeyPair generate(String algorithm, int size) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (size > 0) {
                g.initialize(size);
            }
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
