package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_ALGORITHM;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_PRIVATE_KEY_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_PRIVATE_KEY_PASSPHRASE;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ASSERTION_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.GRANT_TYPE;
import static dev.kafkaoauth.login.OAuthLoginConfig.JWT_BEARER_GRANT;
import static dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.START;
import static dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.json;
import static dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.oauthError;
import static dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.okJwt;
import static dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.row;
import static dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.TokenRequestException;
import dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.MovingClock;
import dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.Outcome;
import dev.kafkaoauth.login.internal.IdentityProviderBehaviourTest.Row;
import dev.kafkaoauth.login.testkit.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The identity-provider table at TRACE: every row of {@link IdentityProviderBehaviourTest},
 * and a second pass of rows whose client authenticates with a private key
 * ({@code private_key_jwt}, the jwt-bearer grant) or a ready-made assertion file, run through
 * a TokenSource and a handler with all output captured ({@link LogCapture}). No secret, key,
 * passphrase, assertion or issued token shows up in the logs, in an exception's whole chain or
 * in the {@code toString} of the options, the credential key, the source and the handler.
 */
class IdentityProviderLeakTest {

    private static final String PASSPHRASE = "Key-Canary-Passphrase-8";
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]*)\"");
    /** Shorter values (such as the JSON array row's "x") would match innocent text. */
    private static final int MIN_CANARY = 8;

    @TempDir
    static Path dir;
    private static Path keyPem;
    private static Path encryptedKeyPem;
    private static Path assertionFile;
    private static Path expiredAssertionFile;
    /** Everything secret that every row has: secret, passwords, key material, assertions. */
    private static final Set<String> FIXED = new HashSet<>();

    @BeforeAll
    static void start() throws Exception {
        LogCapture.assumeTraceLogs();
        IdentityProviderBehaviourTest.startServers(Files.createDirectories(dir.resolve("pki")));
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
        String plain = TestPki.pem("PRIVATE KEY", key.getEncoded());
        String encrypted = encryptedPem(key);
        keyPem = Files.writeString(dir.resolve("key.pem"), plain);
        encryptedKeyPem = Files.writeString(dir.resolve("encrypted-key.pem"), encrypted);
        String assertion = Jwts.jwt(Map.of("iss", "row-app", "sub", "row-app", "aud",
                "idp", "jti", "file-assertion", "exp", START.plusSeconds(600)));
        String expired = Jwts.jwt(Map.of("iss", "row-app", "sub", "row-app", "aud", "idp",
                "exp", START.minusSeconds(60)));
        assertionFile = Files.writeString(dir.resolve("assertion.jwt"), assertion + "\n");
        expiredAssertionFile = Files.writeString(dir.resolve("expired.jwt"), expired);

        FIXED.addAll(List.of(IdentityProviderBehaviourTest.SECRET, TestPki.STORE_PASSWORD,
                TestPki.KEY_PASSWORD, PASSPHRASE, key.getPrivateExponent().toString(),
                key.getPrivateExponent().toString(16), key.getPrimeP().toString()));
        for (String pem : List.of(plain, encrypted)) {
            String body = pem.replaceAll("-----[A-Z ]+-----", "").trim();
            FIXED.add(body.replace("\n", ""));
            FIXED.addAll(body.lines().filter(l -> l.length() >= MIN_CANARY).toList());
        }
        addJwt(FIXED, assertion);
        addJwt(FIXED, expired);
    }

    @AfterAll
    static void stop() {
        if (keyPem != null) { // not when skipped outside the trace-logs execution
            IdentityProviderBehaviourTest.stop();
        }
    }

    /** A PKCS#8 key encrypted with PBES2 (AES-256-CBC), as OpenSSL 1.1+ writes it. */
    private static String encryptedPem(PrivateKey key) throws Exception {
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(
                PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                .setPassword(PASSPHRASE.toCharArray()).build();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new JcaPKCS8Generator(key, encryptor));
        }
        return out.toString();
    }

    /** A JWT and its signature, which alone would be enough to tell a leak. */
    private static void addJwt(Set<String> canaries, String value) {
        canaries.add(value);
        int dot = value.lastIndexOf('.');
        if (dot > 0 && value.length() - dot > MIN_CANARY) {
            canaries.add(value.substring(dot + 1));
        }
    }

    static Stream<Row> rows() {
        return Stream.concat(IdentityProviderBehaviourTest.rows(), assertionRows());
    }

    /** The second pass: clients that authenticate with a key or an assertion file. */
    static Stream<Row> assertionRows() {
        String key = keyPem.toString();
        String encrypted = encryptedKeyPem.toString();
        String file = assertionFile.toString();
        return Stream.of(
            row("private_key_jwt, PKCS#8 key: 200").withoutSecret()
                    .config(ASSERTION_PRIVATE_KEY_FILE, key).answers(okJwt())
                    .expect(Outcome.TOKEN, 1),
            row("private_key_jwt, encrypted key: 200").withoutSecret()
                    .config(ASSERTION_PRIVATE_KEY_FILE, encrypted)
                    .config(ASSERTION_PRIVATE_KEY_PASSPHRASE, PASSPHRASE).answers(okJwt())
                    .expect(Outcome.TOKEN, 1),
            row("private_key_jwt, encrypted key: 503 then 200").withoutSecret()
                    .config(ASSERTION_PRIVATE_KEY_FILE, encrypted)
                    .config(ASSERTION_PRIVATE_KEY_PASSPHRASE, PASSPHRASE)
                    .answers(status(503), okJwt()).expect(Outcome.TOKEN, 2),
            row("private_key_jwt: 401 invalid_client").withoutSecret()
                    .config(ASSERTION_PRIVATE_KEY_FILE, key)
                    .answers(json(401, oauthError("invalid_client")))
                    .expect(Outcome.FINAL, 1, "HTTP 401", "error=invalid_client"),
            row("private_key_jwt, PS256: 400 invalid_grant").withoutSecret()
                    .config(ASSERTION_PRIVATE_KEY_FILE, key).config(ASSERTION_ALGORITHM, "PS256")
                    .answers(json(400, oauthError("invalid_grant")))
                    .expect(Outcome.FINAL, 1, "error=invalid_grant"),
            row("private_key_jwt, wrong passphrase").withoutSecret()
                    .config(ASSERTION_PRIVATE_KEY_FILE, encrypted)
                    .config(ASSERTION_PRIVATE_KEY_PASSPHRASE, "wrong-" + PASSPHRASE)
                    .expect(Outcome.CONFIG, 0, "encrypted-key.pem"),
            row("private_key_jwt, encrypted key without passphrase").withoutSecret()
                    .config(ASSERTION_PRIVATE_KEY_FILE, encrypted)
                    .expect(Outcome.CONFIG, 0, "no passphrase"),
            row("jwt-bearer grant signed with the key: 200").withoutSecret()
                    .jaas(GRANT_TYPE, JWT_BEARER_GRANT).config(ASSERTION_PRIVATE_KEY_FILE, key)
                    .answers(okJwt()).expect(Outcome.TOKEN, 1),
            row("client assertion file: 200").withoutSecret().jaas(CLIENT_ASSERTION_FILE, file)
                    .answers(okJwt()).expect(Outcome.TOKEN, 1),
            row("client assertion file: 503 then 200").withoutSecret()
                    .jaas(CLIENT_ASSERTION_FILE, file).answers(status(503), okJwt())
                    .expect(Outcome.TOKEN, 2),
            row("client assertion file: 401 invalid_client").withoutSecret()
                    .jaas(CLIENT_ASSERTION_FILE, file)
                    .answers(json(401, oauthError("invalid_client")))
                    .expect(Outcome.FINAL, 1, "error=invalid_client"),
            row("client assertion file expired").withoutSecret()
                    .jaas(CLIENT_ASSERTION_FILE, expiredAssertionFile.toString())
                    .answers(okJwt()).expect(Outcome.RETRIABLE, 0, "expired at"),
            row("jwt-bearer grant from the assertion file: 200").withoutSecret()
                    .jaas(GRANT_TYPE, JWT_BEARER_GRANT, CLIENT_ASSERTION_FILE, file)
                    .answers(okJwt()).expect(Outcome.TOKEN, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void fetch_everyRowAtTrace_showsNoSecretKeyAssertionOrToken(Row row) throws Exception {
        Set<String> canaries = new HashSet<>(FIXED);
        for (ResponseDefinitionBuilder r : row.responses) {
            String body = r.build().getBody();
            Matcher m = ACCESS_TOKEN.matcher(body == null ? "" : body);
            while (m.find()) {
                addJwt(canaries, m.group(1));
            }
        }
        canaries.add("tls-opaque-token");
        String url = IdentityProviderBehaviourTest.serve(row);
        List<String> texts = new ArrayList<>();
        String jdkHttp;
        try (LogCapture logs = LogCapture.open()) {
            exercise(row, url, texts, canaries);
            texts.add(logs.printed());
            texts.add(logs.jul());
            jdkHttp = logs.jdkHttp();
        }
        assertEquals(row.requests, IdentityProviderBehaviourTest.requests(row), "requests");
        if (row.withoutSecret && row.requests > 0) {
            Set<String> received = assertionsReceived();
            assertFalse(received.isEmpty(), "the stub received an assertion");
            received.forEach(a -> addJwt(canaries, a));
        }
        canaries.removeIf(c -> c.length() < MIN_CANARY);
        assertNoCanary(List.of(jdkHttp), canaries, "the JDK's HTTP header log");
        canaries.addAll(basicCredentials());
        assertNoCanary(texts, canaries, "logs, messages or toString");
    }

    /** Fetches through a TokenSource as the row says, and configures a handler like it. */
    private static void exercise(Row row, String url, List<String> texts, Set<String> canaries)
            throws Exception {
        Map<String, Object> configs = IdentityProviderBehaviourTest.configs(url, row);
        Map<String, Object> jaas = IdentityProviderBehaviourTest.jaas(row);
        if (row.outcome == Outcome.CONFIG) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> IdentityProviderBehaviourTest.loginOptions(url, row));
            for (String word : row.words) {
                assertTrue(e.getMessage().contains(word), "expected '" + word + "' in: " + e);
            }
            texts.add(chain(e));
            texts.add(chain(assertThrows(ConfigException.class, () -> handler(configs, jaas))));
            return;
        }
        LoginOptions o = IdentityProviderBehaviourTest.loginOptions(url, row);
        MovingClock clock = new MovingClock(START);
        FakeTime ticker = new FakeTime();
        TokenSource source = new TokenSource(o.credentialKey(),
                new TokenEndpointClient(o, clock, clock::advance), new RefreshPolicy(0.6), null,
                o.retryBackoffMs(), o.retryBackoffMaxMs(), ticker, clock,
                new ManualWorkers(ticker), () -> 0.0);
        Object result = IdentityProviderBehaviourTest.assertEndsAsTheRowSays(row,
                () -> source.get(o.loginTimeoutMs()).token());
        if (result instanceof AccessToken) {
            addJwt(canaries, ((AccessToken) result).value());
            texts.add(result.toString());
        } else {
            texts.add(chain((TokenRequestException) result));
        }
        texts.add(o.toString());
        texts.add(o.credentialKey().toString());
        texts.add(o.assertion().toString());
        texts.add(source.toString());
        OAuthLoginCallbackHandler h = handler(configs, jaas);
        texts.add(h.toString());
        h.close();
    }

    private static OAuthLoginCallbackHandler handler(Map<String, Object> configs,
            Map<String, Object> jaas) {
        Map<String, Object> own = new java.util.HashMap<>(jaas);
        own.put("tokenCache", "private");
        OAuthLoginCallbackHandler h = new OAuthLoginCallbackHandler();
        h.configure(configs, OAuthBearerLoginModule.OAUTHBEARER_MECHANISM, List.of(
                new AppConfigurationEntry(OAuthBearerLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, own)));
        return h;
    }

    /** The message and stack trace of an exception with its causes and suppressed ones. */
    private static String chain(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** The client assertions (or jwt-bearer grants) the stub received. */
    private static Set<String> assertionsReceived() {
        Set<String> found = new HashSet<>();
        for (ServeEvent e : IdentityProviderBehaviourTest.stub().getAllServeEvents()) {
            for (String pair : e.getRequest().getBodyAsString().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && (kv[0].equals("client_assertion")
                        || kv[0].equals("assertion"))) {
                    found.add(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
            }
        }
        return found;
    }

    /** The Basic credential of the rows' client, form-encoded (RFC 6749) and as it is. */
    private static List<String> basicCredentials() {
        String secret = IdentityProviderBehaviourTest.SECRET;
        List<String> both = new ArrayList<>();
        for (String s : List.of(secret, java.net.URLEncoder.encode(secret,
                StandardCharsets.UTF_8))) {
            both.add(Base64.getEncoder().encodeToString(("row-app:" + s)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return both;
    }

    private static void assertNoCanary(List<String> texts, Set<String> canaries, String where) {
        for (String text : texts) {
            for (String canary : canaries) {
                if (text.contains(canary)) {
                    int at = text.indexOf(canary);
                    String around = text.substring(Math.max(0, at - 200),
                            Math.min(text.length(), at + canary.length() + 40));
                    for (String c : canaries) {
                        around = around.replace(c, "<CANARY>");
                    }
                    throw new AssertionError("a secret, key, assertion or token ("
                            + canary.length() + " characters) shows in " + where + ": ..."
                            + around + "...");
                }
            }
        }
    }
}
