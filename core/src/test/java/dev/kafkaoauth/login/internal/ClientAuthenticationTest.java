package dev.kafkaoauth.login.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kafkaoauth.login.TokenRequestException;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.apache.kafka.common.config.ConfigException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client authentication without a shared secret (private_key_jwt, assertion files,
 * tls_client_auth), the jwt-bearer grant and OpenID Connect discovery, against a stub token
 * endpoint on loopback. Every assertion the stub receives is verified with nimbus-jose-jwt.
 */
class ClientAuthenticationTest {

    private static final String KEY_FILE = "sasl.oauthbearer.assertion.private.key.file";
    private static final String PASSPHRASE = "sasl.oauthbearer.assertion.private.key.passphrase";
    private static final String ALGORITHM = "sasl.oauthbearer.assertion.algorithm";
    private static final String ENDPOINT = "sasl.oauthbearer.token.endpoint.url";
    private static final String RETRIEVER = "sasl.oauthbearer.jwt.retriever.class";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    @TempDir
    Path dir;
    private WireMockServer server;
    private final Instant now = Instant.now();
    private final Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        String jwt = Jwts.jwt(Map.of("sub", "app", "exp", now.plusSeconds(600)));
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"access_token\":\""
                        + jwt + "\",\"token_type\":\"Bearer\",\"expires_in\":600}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.port() + "/token";
    }

    private Map<String, Object> configs(Object... pairs) {
        Map<String, Object> c = new HashMap<>();
        c.put(ENDPOINT, endpoint());
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                c.remove((String) pairs[i]);
            } else {
                c.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return c;
    }

    private static Map<String, Object> jaas(String... pairs) {
        Map<String, Object> j = new HashMap<>();
        j.put("clientId", "app");
        for (int i = 0; i < pairs.length; i += 2) {
            j.put(pairs[i], pairs[i + 1]);
        }
        return j;
    }

    private TokenEndpointClient client(Map<String, Object> configs, Map<String, Object> jaas) {
        return new TokenEndpointClient(LoginOptions.parse(configs, jaas, Set.of()), clock,
                d -> { });
    }

    private Map<String, String> lastForm() {
        List<LoggedRequest> requests = server.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        urlEqualTo("/token")));
        String body = requests.get(requests.size() - 1).getBodyAsString();
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    private LoggedRequest lastRequest() {
        List<LoggedRequest> requests = server.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        urlEqualTo("/token")));
        return requests.get(requests.size() - 1);
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private Path pkcs8(String name, KeyPair keys) throws Exception {
        return Files.writeString(dir.resolve(name), TestPki.pem("PRIVATE KEY",
                keys.getPrivate().getEncoded()));
    }

    private Path encryptedPkcs8(String name, KeyPair keys, String passphrase) throws Exception {
        String algorithm = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(salt);
        new SecureRandom().nextBytes(iv);
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm)
                .generateSecret(new PBEKeySpec(passphrase.toCharArray())),
                new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(keys.getPrivate().getEncoded());
        // As OpenSSL writes it: PBES2 (PBKDF2 with HMAC-SHA256, AES-256-CBC).
        java.security.AlgorithmParameters pbes2 =
                java.security.AlgorithmParameters.getInstance("PBES2");
        pbes2.init(cipher.getParameters().getEncoded());
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(pbes2, encrypted);
        return Files.writeString(dir.resolve(name), TestPki.pem("ENCRYPTED PRIVATE KEY",
                info.getEncoded()));
    }

    private static SignedJWT verified(String assertion, JWSVerifier verifier) throws Exception {
        SignedJWT jwt = SignedJWT.parse(assertion);
        assertTrue(jwt.verify(verifier), "the assertion's signature verifies with the key");
        return jwt;
    }

    @Test
    void fetch_privateKeyJwtWithRsaKey_sendsASignedAssertionPerRfc7523() throws Exception {
        KeyPair keys = rsa();
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("rsa.pem", keys).toString()),
                jaas());

        c.fetch();

        Map<String, String> form = lastForm();
        assertEquals("client_credentials", form.get("grant_type"));
        assertEquals("app", form.get("client_id"));
        assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                form.get("client_assertion_type"));
        assertFalse(form.containsKey("client_secret"));
        assertFalse(lastRequest().containsHeader("Authorization"), "no Basic credentials");
        SignedJWT jwt = verified(form.get("client_assertion"),
                new RSASSAVerifier((RSAPublicKey) keys.getPublic()));
        assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("app", claims.getIssuer());
        assertEquals("app", claims.getSubject());
        assertEquals(List.of(endpoint()), claims.getAudience());
        assertEquals(Date.from(now.plusSeconds(300)).getTime() / 1000,
                claims.getExpirationTime().getTime() / 1000);
        assertEquals(now.getEpochSecond(), claims.getIssueTime().getTime() / 1000);
        assertNotNull(claims.getJWTID());
    }

    @Test
    void fetch_twice_sendsAUniqueJtiEachTime() throws Exception {
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("rsa.pem", rsa()).toString()),
                jaas());
        c.fetch();
        String first = SignedJWT.parse(lastForm().get("client_assertion")).getJWTClaimsSet()
                .getJWTID();
        c.fetch();
        String second = SignedJWT.parse(lastForm().get("client_assertion")).getJWTClaimsSet()
                .getJWTID();
        assertNotEquals(first, second);
    }

    @Test
    void fetch_ecKeyWithKafkasDefaultAlgorithm_signsEs256() throws Exception {
        KeyPair keys = ec();
        // Kafka 4.x passes its default RS256 whether or not the user set it.
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("ec.pem", keys).toString(),
                ALGORITHM, "RS256"), jaas());
        c.fetch();
        SignedJWT jwt = verified(lastForm().get("client_assertion"),
                new ECDSAVerifier((ECPublicKey) keys.getPublic()));
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    }

    @Test
    void fetch_ps256WithClaimsFromKafkaProperties_usesThem() throws Exception {
        KeyPair keys = rsa();
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("rsa.pem", keys).toString(),
                ALGORITHM, "PS256", "sasl.oauthbearer.assertion.claim.aud", "https://aud.example",
                "sasl.oauthbearer.assertion.claim.iss", "issuer-x",
                "sasl.oauthbearer.assertion.claim.sub", "subject-y",
                "sasl.oauthbearer.assertion.claim.exp.seconds", 60), jaas("assertionKeyId",
                        "key-1"));
        c.fetch();
        SignedJWT jwt = verified(lastForm().get("client_assertion"),
                new RSASSAVerifier((RSAPublicKey) keys.getPublic()));
        assertEquals(JWSAlgorithm.PS256, jwt.getHeader().getAlgorithm());
        assertEquals("key-1", jwt.getHeader().getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("issuer-x", claims.getIssuer());
        assertEquals("subject-y", claims.getSubject());
        assertEquals(List.of("https://aud.example"), claims.getAudience());
        assertEquals(now.plusSeconds(60).getEpochSecond(),
                claims.getExpirationTime().getTime() / 1000);
    }

    @Test
    void fetch_ps256AsJaasOption_winsOverKafkasDefaultRs256() throws Exception {
        KeyPair keys = rsa();
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("rsa.pem", keys).toString(),
                ALGORITHM, "RS256"), jaas("assertionAlgorithm", "PS256"));
        c.fetch();
        SignedJWT jwt = verified(lastForm().get("client_assertion"),
                new RSASSAVerifier((RSAPublicKey) keys.getPublic()));
        assertEquals(JWSAlgorithm.PS256, jwt.getHeader().getAlgorithm());
    }

    @Test
    void fetch_certificateFile_sendsItsSha256Thumbprint() throws Exception {
        KeyPair keys = rsa();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(new X500Name("CN=app"), BigInteger.ONE,
                        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)),
                        new X500Name("CN=app"), keys.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withRSA")
                                .build(keys.getPrivate())));
        Path certFile = Files.writeString(dir.resolve("cert.pem"),
                TestPki.pem("CERTIFICATE", cert.getEncoded()));
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("rsa.pem", keys).toString()),
                jaas("assertionCertificateFile", certFile.toString()));
        c.fetch();
        SignedJWT jwt = verified(lastForm().get("client_assertion"),
                new RSASSAVerifier((RSAPublicKey) keys.getPublic()));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        assertEquals(expected, jwt.getHeader().getX509CertSHA256Thumbprint().toString());
    }

    @Test
    void fetch_templateFile_mergesHeaderAndPayload() throws Exception {
        KeyPair keys = rsa();
        Path template = Files.writeString(dir.resolve("template.json"),
                "{\"header\":{\"kid\":\"from-template\"},\"payload\":{\"tenant\":\"t1\"}}");
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("rsa.pem", keys).toString(),
                "sasl.oauthbearer.assertion.template.file", template.toString()), jaas());
        c.fetch();
        SignedJWT jwt = verified(lastForm().get("client_assertion"),
                new RSASSAVerifier((RSAPublicKey) keys.getPublic()));
        assertEquals("from-template", jwt.getHeader().getKeyID());
        assertEquals("t1", jwt.getJWTClaimsSet().getStringClaim("tenant"));
        assertEquals("app", jwt.getJWTClaimsSet().getIssuer());
    }

    @Test
    void fetch_encryptedKeyWithPassphrase_signs() throws Exception {
        KeyPair keys = rsa();
        Path key = encryptedPkcs8("enc.pem", keys, "pass phrase+1");
        TokenEndpointClient c = client(configs(KEY_FILE, key.toString(), PASSPHRASE,
                new org.apache.kafka.common.config.types.Password("pass phrase+1")), jaas());
        c.fetch();
        verified(lastForm().get("client_assertion"),
                new RSASSAVerifier((RSAPublicKey) keys.getPublic()));
    }

    @Test
    void parse_encryptedKeyWithWrongPassphrase_failsNamingThePassphraseOption()
            throws Exception {
        Path key = encryptedPkcs8("enc.pem", rsa(), "right");
        ConfigException e = assertThrows(ConfigException.class, () -> client(
                configs(KEY_FILE, key.toString(), PASSPHRASE, "wrong-Canary"), jaas()));
        assertTrue(e.getMessage().contains(PASSPHRASE), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-Canary"), e.getMessage());
    }

    @Test
    void parse_encryptedKeyWithoutPassphrase_failsNamingThePassphraseOption() throws Exception {
        Path key = encryptedPkcs8("enc.pem", rsa(), "right");
        ConfigException e = assertThrows(ConfigException.class, () -> client(
                configs(KEY_FILE, key.toString()), jaas()));
        assertTrue(e.getMessage().contains("no passphrase is set"), e.getMessage());
    }

    @Test
    void parse_pkcs1RsaKey_failsShowingTheConversionCommand() throws Exception {
        byte[] pkcs1 = PrivateKeyInfo.getInstance(rsa().getPrivate().getEncoded())
                .parsePrivateKey().toASN1Primitive().getEncoded();
        Path key = Files.writeString(dir.resolve("pkcs1.pem"), TestPki.pem("RSA PRIVATE KEY",
                pkcs1));
        ConfigException e = assertThrows(ConfigException.class, () -> client(
                configs(KEY_FILE, key.toString()), jaas()));
        assertTrue(e.getMessage().contains("PKCS#1"), e.getMessage());
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + key),
                e.getMessage());
    }

    @Test
    void parse_sec1EcKey_failsShowingTheConversionCommand() throws Exception {
        byte[] sec1 = PrivateKeyInfo.getInstance(ec().getPrivate().getEncoded())
                .parsePrivateKey().toASN1Primitive().getEncoded();
        Path key = Files.writeString(dir.resolve("sec1.pem"), TestPki.pem("EC PRIVATE KEY",
                sec1));
        ConfigException e = assertThrows(ConfigException.class, () -> client(
                configs(KEY_FILE, key.toString()), jaas()));
        assertTrue(e.getMessage().contains("SEC1"), e.getMessage());
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void parse_missingKeyFile_failsNamingTheOption() {
        ConfigException e = assertThrows(ConfigException.class, () -> client(
                configs(KEY_FILE, dir.resolve("absent.pem").toString()), jaas()));
        assertTrue(e.getMessage().contains(KEY_FILE), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void parse_es256WithRsaKey_failsNamingTheAlgorithmOption() throws Exception {
        Path key = pkcs8("rsa.pem", rsa());
        ConfigException e = assertThrows(ConfigException.class, () -> client(
                configs(KEY_FILE, key.toString(), ALGORITHM, "ES256"), jaas()));
        assertTrue(e.getMessage().contains(ALGORITHM), e.getMessage());
    }

    @Test
    void fetch_keyFileReplaced_signsWithTheNewKey() throws Exception {
        KeyPair first = rsa();
        KeyPair second = rsa();
        Path key = pkcs8("rotating.pem", first);
        TokenEndpointClient c = client(configs(KEY_FILE, key.toString()), jaas());
        c.fetch();
        verified(lastForm().get("client_assertion"),
                new RSASSAVerifier((RSAPublicKey) first.getPublic()));

        pkcs8("rotating.pem", second);
        // File systems with coarse time stamps: make the change visible whatever the size.
        Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(5)));
        c.fetch();

        SignedJWT jwt = SignedJWT.parse(lastForm().get("client_assertion"));
        assertTrue(jwt.verify(new RSASSAVerifier((RSAPublicKey) second.getPublic())));
        assertFalse(jwt.verify(new RSASSAVerifier((RSAPublicKey) first.getPublic())));
    }

    private Path assertionFile(String name, String subject, Instant exp) throws Exception {
        return Files.writeString(dir.resolve(name), Jwts.jwt(Map.of("iss", "k8s", "sub",
                subject, "exp", exp)) + "\n");
    }

    @Test
    void fetch_assertionFile_sendsItsContentAndRereadsItEachTime() throws Exception {
        Path file = assertionFile("token", "sa-1", now.plusSeconds(3600));
        TokenEndpointClient c = client(configs(), jaas("clientAssertionFile", file.toString()));
        c.fetch();
        assertEquals(Files.readString(file).trim(), lastForm().get("client_assertion"));
        assertEquals("app", lastForm().get("client_id"));

        assertionFile("token", "sa-2", now.plusSeconds(7200));
        c.fetch();
        assertEquals(Files.readString(file).trim(), lastForm().get("client_assertion"));
    }

    @Test
    void fetch_kafkasAssertionFileProperty_isTheSameAsTheJaasOption() throws Exception {
        Path file = assertionFile("token", "sa-1", now.plusSeconds(3600));
        TokenEndpointClient c = client(configs("sasl.oauthbearer.assertion.file",
                file.toString()), jaas("clientId", "app"));
        c.fetch();
        assertEquals(Files.readString(file).trim(), lastForm().get("client_assertion"));
    }

    @Test
    void fetch_assertionFileMissing_failsRetriablyNamingTheFile() {
        Path file = dir.resolve("not-yet");
        TokenEndpointClient c = client(configs("sasl.login.retry.backoff.ms", "1",
                "sasl.login.retry.backoff.max.ms", "1"), jaas("clientAssertionFile",
                        file.toString(), "loginTimeoutMs", "0"));
        TokenRequestException e = assertThrows(TokenRequestException.class, c::fetch);
        assertTrue(e.isRetriable());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(server.getAllServeEvents().isEmpty(), "nothing sent without an assertion");
    }

    @Test
    void fetch_assertionFileExpired_failsSayingItIsNotRenewed() throws Exception {
        Path file = assertionFile("token", "sa-1", now.minusSeconds(10));
        TokenEndpointClient c = client(configs(), jaas("clientAssertionFile", file.toString(),
                "loginTimeoutMs", "0"));
        TokenRequestException e = assertThrows(TokenRequestException.class, c::fetch);
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertTrue(e.getMessage().contains("renewing"), e.getMessage());
        assertFalse(e.getMessage().contains(Files.readString(file).trim()), "no assertion");
    }

    @Test
    void fetch_jwtBearerGrantWithKey_sendsTheAssertionAsTheGrant() throws Exception {
        KeyPair keys = ec();
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("ec.pem", keys).toString(),
                "sasl.oauthbearer.scope", "kafka"), jaas("grantType", JWT_BEARER));
        c.fetch();
        Map<String, String> form = lastForm();
        assertEquals(JWT_BEARER, form.get("grant_type"));
        assertEquals("kafka", form.get("scope"));
        assertFalse(form.containsKey("client_assertion"));
        assertFalse(form.containsKey("client_id"));
        assertFalse(lastRequest().containsHeader("Authorization"));
        SignedJWT jwt = verified(form.get("assertion"),
                new ECDSAVerifier((ECPublicKey) keys.getPublic()));
        assertEquals("app", jwt.getJWTClaimsSet().getSubject());
    }

    @Test
    void fetch_kafkasJwtBearerRetrieverClass_selectsTheJwtBearerGrant() throws Exception {
        Path file = assertionFile("token", "sa-1", now.plusSeconds(3600));
        TokenEndpointClient c = client(configs(RETRIEVER,
                "org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever",
                "sasl.oauthbearer.assertion.file", file.toString()), jaas());
        c.fetch();
        assertEquals(JWT_BEARER, lastForm().get("grant_type"));
        assertEquals(Files.readString(file).trim(), lastForm().get("assertion"));
    }

    @Test
    void fetch_jwtBearerGrantWithSecret_authenticatesTheClientWithIt() throws Exception {
        Path file = assertionFile("token", "sa-1", now.plusSeconds(3600));
        TokenEndpointClient c = client(configs(), jaas("grantType", JWT_BEARER,
                "clientAssertionFile", file.toString(), "clientSecret", "s3cret"));
        c.fetch();
        assertEquals(JWT_BEARER, lastForm().get("grant_type"));
        assertTrue(lastRequest().getHeader("Authorization").startsWith("Basic "));
    }

    @Test
    void fetch_tlsClientAuth_sendsTheCertificateAndNoSecret() throws Exception {
        TestPki pki = new TestPki(dir);
        try (TestTlsServer tls = new TestTlsServer(pki.serverContext, true)) {
            Map<String, Object> j = jaas("clientAuthMethod", "tls_client_auth",
                    "ssl.truststore.location", pki.trustP12.toString(),
                    "ssl.truststore.password", TestPki.STORE_PASSWORD,
                    "ssl.keystore.location", pki.clientP12.toString(),
                    "ssl.keystore.password", TestPki.STORE_PASSWORD,
                    "ssl.key.password", TestPki.KEY_PASSWORD);
            TokenEndpointClient c = client(configs(ENDPOINT, tls.url()), j);
            assertEquals("tls-opaque-token", c.fetch().value());
            assertEquals("grant_type=client_credentials&client_id=app", tls.lastBody());
            assertNull(tls.lastAuthorization());
        }
    }

    private ConfigException refused(Map<String, Object> configs, Map<String, Object> jaas) {
        return assertThrows(ConfigException.class,
                () -> LoginOptions.parse(configs, jaas, Set.of()));
    }

    private static void assertNames(ConfigException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    void parse_secretAndKeyFile_failsNamingBoth() throws Exception {
        Path key = pkcs8("rsa.pem", rsa());
        assertNames(refused(configs(KEY_FILE, key.toString()), jaas("clientSecret", "s-Canary")),
                "clientSecret", KEY_FILE, "contradict");
    }

    @Test
    void parse_secretAndAssertionFile_failsNamingBoth() {
        assertNames(refused(configs(), jaas("clientSecret", "s", "clientAssertionFile",
                "/var/run/token")), "clientSecret", "clientAssertionFile");
    }

    @Test
    void parse_keyFileAndAssertionFile_failsNamingBoth() throws Exception {
        Path key = pkcs8("rsa.pem", rsa());
        assertNames(refused(configs(KEY_FILE, key.toString()), jaas("clientAssertionFile",
                "/var/run/token")), KEY_FILE, "clientAssertionFile");
    }

    @Test
    void parse_secretMethodWithKeyFile_failsNamingBoth() throws Exception {
        Path key = pkcs8("rsa.pem", rsa());
        assertNames(refused(configs(KEY_FILE, key.toString()), jaas("clientAuthMethod",
                "client_secret_post")), "clientAuthMethod=client_secret_post", KEY_FILE);
    }

    @Test
    void parse_tlsClientAuthWithSecret_failsNamingBoth() {
        assertNames(refused(configs(ENDPOINT, "https://idp.example/token"), jaas(
                "clientAuthMethod", "tls_client_auth", "clientSecret", "s")),
                "tls_client_auth", "clientSecret");
    }

    @Test
    void parse_tlsClientAuthWithoutCertificate_failsNamingTheKeyStoreOption() {
        assertNames(refused(configs(ENDPOINT, "https://idp.example/token"), jaas(
                "clientAuthMethod", "tls_client_auth")), "ssl.keystore.location");
    }

    @Test
    void parse_grantTypeAndRetrieverDisagree_failsNamingBoth() {
        assertNames(refused(configs(RETRIEVER,
                "org.apache.kafka.common.security.oauthbearer.ClientCredentialsJwtRetriever"),
                jaas("grantType", JWT_BEARER, "clientAssertionFile", "/var/run/token")),
                "grantType", RETRIEVER);
    }

    @Test
    void parse_retrieverOfAnotherKind_failsNamingTheProperty() {
        assertNames(refused(configs(RETRIEVER, "com.example.MyRetriever"), jaas(
                "clientSecret", "s")), RETRIEVER, "com.example.MyRetriever");
    }

    @Test
    void parse_kafkasDefaultRetrieverClassObject_isAccepted() {
        LoginOptions o = LoginOptions.parse(configs(RETRIEVER,
                org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever.class),
                jaas("clientSecret", "s"), Set.of());
        assertEquals("client_credentials", o.grantType());
    }

    @Test
    void parse_issuerAndEndpoint_failsNamingBoth() {
        assertNames(refused(configs(), jaas("clientSecret", "s", "issuerUrl",
                "https://idp.example/realms/kafka")), "issuerUrl", ENDPOINT);
    }

    @Test
    void parse_privateKeyJwtWithoutKey_failsNamingTheKeyOption() {
        assertNames(refused(configs(), jaas("clientAuthMethod", "private_key_jwt")),
                KEY_FILE, "clientAssertionFile");
    }

    @Test
    void parse_jwtBearerGrantWithoutAssertion_failsNamingTheSources() {
        assertNames(refused(configs(), jaas("grantType", JWT_BEARER)), KEY_FILE, "grantType");
    }

    @Test
    void parse_privateKeyJwtWithJwtBearerGrant_failsNamingBoth() {
        assertNames(refused(configs(), jaas("grantType", JWT_BEARER, "clientAuthMethod",
                "private_key_jwt", "clientAssertionFile", "/var/run/token")),
                "private_key_jwt", JWT_BEARER);
    }

    @Test
    void parse_assertionClaimWithoutKey_failsInsteadOfFallingBackToTheSecret() {
        assertNames(refused(configs("sasl.oauthbearer.assertion.claim.iss", "app"),
                jaas("clientSecret", "s")), "sasl.oauthbearer.assertion.claim.iss", KEY_FILE);
    }

    @Test
    void parse_unknownGrant_failsNamingTheOption() {
        assertNames(refused(configs(), jaas("clientSecret", "s", "grantType", "password")),
                "grantType", "password", "client_credentials");
    }

    @Test
    void parse_keyFileOutsideKafkasFileAllowList_fails() throws Exception {
        Path key = pkcs8("rsa.pem", rsa());
        String property = "org.apache.kafka.sasl.oauthbearer.allowed.files";
        String before = System.getProperty(property);
        System.setProperty(property, dir.resolve("other.pem").toString());
        try {
            assertNames(refused(configs(KEY_FILE, key.toString()), jaas()), KEY_FILE,
                    "allow-list");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Test
    void credentialKey_kafkasDefaultRs256AndNoAlgorithm_shareOneToken() throws Exception {
        String key = pkcs8("rsa.pem", rsa()).toString();
        LoginOptions kafka4 = LoginOptions.parse(configs(KEY_FILE, key, ALGORITHM, "RS256"),
                jaas(), Set.of());
        LoginOptions kafka3 = LoginOptions.parse(configs(KEY_FILE, key), jaas(), Set.of());
        LoginOptions ps256 = LoginOptions.parse(configs(KEY_FILE, key), jaas(
                "assertionAlgorithm", "PS256"), Set.of());
        assertEquals(kafka4.credentialKey(), kafka3.credentialKey());
        assertNotEquals(kafka3.credentialKey(), ps256.credentialKey());
    }

    @Test
    void credentialKey_differentKeyFiles_differ() throws Exception {
        LoginOptions a = LoginOptions.parse(configs(KEY_FILE, pkcs8("a.pem", rsa()).toString()),
                jaas(), Set.of());
        LoginOptions b = LoginOptions.parse(configs(KEY_FILE, pkcs8("b.pem", rsa()).toString()),
                jaas(), Set.of());
        LoginOptions a2 = LoginOptions.parse(configs(KEY_FILE, dir.resolve("a.pem").toString()),
                jaas("extension_x", "y"), Set.of());
        assertNotEquals(a.credentialKey(), b.credentialKey());
        assertEquals(a.credentialKey(), a2.credentialKey());
    }

    private void discovery(String issuer, String document) {
        server.stubFor(get(urlEqualTo("/realms/kafka/.well-known/openid-configuration"))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(document)));
    }

    private String issuer() {
        return "http://127.0.0.1:" + server.port() + "/realms/kafka";
    }

    private TokenEndpointClient discovering(String... jaasPairs) {
        Map<String, Object> j = jaas("clientSecret", "s", "issuerUrl", issuer());
        for (int i = 0; i < jaasPairs.length; i += 2) {
            j.put(jaasPairs[i], jaasPairs[i + 1]);
        }
        return client(configs(ENDPOINT, null, "sasl.login.retry.backoff.ms", "1",
                "sasl.login.retry.backoff.max.ms", "1"), j);
    }

    @Test
    void fetch_issuerUrl_readsTheTokenEndpointOnceFromDiscovery() {
        discovery(issuer(), "{\"issuer\":\"" + issuer() + "\",\"token_endpoint\":\""
                + endpoint() + "\"}");
        TokenEndpointClient c = discovering();
        c.fetch();
        c.fetch();
        assertEquals(1, server.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .getRequestedFor(urlEqualTo("/realms/kafka/.well-known/openid-configuration")))
                .size());
        assertEquals(2, server.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/token"))).size());
    }

    @Test
    void parse_issuerUrl_doesNotContactTheServer() {
        discovering();
        assertTrue(server.getAllServeEvents().isEmpty(), "discovery waits for the first fetch");
    }

    @Test
    void fetch_discoveryNamesAnotherIssuer_failsNamingBoth() {
        discovery(issuer(), "{\"issuer\":\"https://evil.example/realms/kafka\","
                + "\"token_endpoint\":\"" + endpoint() + "\"}");
        TokenRequestException e = assertThrows(TokenRequestException.class,
                discovering()::fetch);
        assertFalse(e.isRetriable());
        assertNames(new ConfigException(e.getMessage()), "https://evil.example/realms/kafka",
                issuer(), "issuerUrl");
        assertTrue(server.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/token"))).isEmpty(), "no credentials sent");
    }

    @Test
    void fetch_noDiscoveryDocument_failsWithStatusAndHint() {
        TokenRequestException e = assertThrows(TokenRequestException.class,
                discovering()::fetch);
        assertEquals(404, e.httpStatus());
        assertNames(new ConfigException(e.getMessage()), "HTTP 404", "discovery", "issuerUrl");
    }

    @Test
    void fetch_discoveryWithoutTokenEndpoint_failsNamingTheField() {
        discovery(issuer(), "{\"issuer\":\"" + issuer() + "\"}");
        TokenRequestException e = assertThrows(TokenRequestException.class,
                discovering()::fetch);
        assertNames(new ConfigException(e.getMessage()), "token_endpoint");
    }

    @Test
    void fetch_providerSupportsOnlyPost_usesPostUnlessBasicWasAskedFor() {
        discovery(issuer(), "{\"issuer\":\"" + issuer() + "\",\"token_endpoint\":\""
                + endpoint() + "\",\"token_endpoint_auth_methods_supported\":"
                + "[\"client_secret_post\",\"private_key_jwt\"]}");
        discovering().fetch();
        assertEquals("s", lastForm().get("client_secret"));
        assertFalse(lastRequest().containsHeader("Authorization"));

        TokenRequestException e = assertThrows(TokenRequestException.class,
                discovering("clientAuthMethod", "client_secret_basic")::fetch);
        assertNames(new ConfigException(e.getMessage()), "client_secret_basic",
                "token_endpoint_auth_methods_supported", "clientAuthMethod");
    }

    @Test
    void fetch_discoveredEndpointOutsideKafkasUrlAllowList_fails() {
        discovery(issuer(), "{\"issuer\":\"" + issuer() + "\",\"token_endpoint\":\""
                + endpoint() + "\"}");
        String property = "org.apache.kafka.sasl.oauthbearer.allowed.urls";
        String before = System.getProperty(property);
        System.setProperty(property, issuer() + "/.well-known/openid-configuration");
        try {
            TokenRequestException e = assertThrows(TokenRequestException.class,
                    discovering()::fetch);
            assertNames(new ConfigException(e.getMessage()), "discovered token endpoint",
                    "allow-list");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Test
    void toString_withKeyAndPassphrase_hidesThePassphrase() throws Exception {
        Path key = encryptedPkcs8("enc.pem", rsa(), "pass-Canary-9");
        LoginOptions o = LoginOptions.parse(configs(KEY_FILE, key.toString(), PASSPHRASE,
                "pass-Canary-9"), jaas(), Set.of());
        assertFalse(o.toString().contains("pass-Canary-9"), o.toString());
        assertFalse(o.credentialKey().toString().contains("pass-Canary-9"));
        assertTrue(o.toString().contains("private_key_jwt"), o.toString());
    }

    @Test
    void fetch_assertionsExpireWithinTheirLifetime() throws Exception {
        TokenEndpointClient c = client(configs(KEY_FILE, pkcs8("rsa.pem", rsa()).toString()),
                jaas());
        c.fetch();
        JWTClaimsSet claims = SignedJWT.parse(lastForm().get("client_assertion"))
                .getJWTClaimsSet();
        Duration life = Duration.between(claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant());
        assertTrue(life.compareTo(Duration.ofMinutes(5)) <= 0, life.toString());
        assertTrue(claims.getNotBeforeTime().toInstant().isBefore(now.plusSeconds(1)));
    }

    @Test
    void parse_rsaKeyShorterThan2048Bits_failsNamingTheKeyOption() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        Path key = pkcs8("weak.pem", g.generateKeyPair());
        ConfigException e = refused(configs(KEY_FILE, key.toString()), jaas());
        assertNames(e, KEY_FILE, "2048");
    }

    @Test
    void parse_ecKeyNotOnP256_failsNamingTheKeyOption() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        Path key = pkcs8("p384.pem", g.generateKeyPair());
        ConfigException e = refused(configs(KEY_FILE, key.toString()), jaas());
        assertNames(e, KEY_FILE, "P-256");
    }

    @Test
    void parse_fileEndpointWithKeyFile_failsNamingBoth() throws Exception {
        Path token = Files.writeString(dir.resolve("token.jwt"), "x");
        Path key = pkcs8("rsa.pem", rsa());
        assertNames(refused(configs(ENDPOINT, token.toUri().toString(), KEY_FILE,
                key.toString()), jaas()), ENDPOINT, KEY_FILE);
        assertNames(refused(configs(ENDPOINT, token.toUri().toString()), jaas("grantType",
                JWT_BEARER)), ENDPOINT, "grantType");
    }

    @Test
    void parse_jwtBearerGrantWithTlsClientAuthWithoutClientId_failsNamingTheClientId()
            throws Exception {
        TestPki pki = new TestPki(dir);
        Path file = assertionFile("token", "sa-1", now.plusSeconds(3600));
        Map<String, Object> j = jaas("grantType", JWT_BEARER, "clientAuthMethod",
                "tls_client_auth", "clientAssertionFile", file.toString(),
                "ssl.keystore.location", pki.clientP12.toString(),
                "ssl.keystore.password", TestPki.STORE_PASSWORD,
                "ssl.key.password", TestPki.KEY_PASSWORD);
        j.remove("clientId");
        // RFC 8705 section 2.1: tls_client_auth identifies the client by its client_id.
        assertNames(refused(configs(ENDPOINT, "https://127.0.0.1:1/token"), j), "clientId",
                "tls_client_auth");
    }

    @Test
    void fetch_tlsClientAuthWithDiscovery_usesTheMtlsEndpointAlias() throws Exception {
        TestPki pki = new TestPki(dir);
        try (TestTlsServer tls = new TestTlsServer(pki.serverContext, true)) {
            String issuer = tls.url().replace("/token", "");
            // RFC 8705 section 5: a client that uses mutual TLS takes the alias.
            tls.discovery("{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + issuer
                    + "/plain/token\",\"mtls_endpoint_aliases\":{\"token_endpoint\":\""
                    + tls.url() + "\"}}");
            Map<String, Object> j = jaas("clientAuthMethod", "tls_client_auth",
                    "issuerUrl", issuer,
                    "ssl.truststore.location", pki.trustP12.toString(),
                    "ssl.truststore.password", TestPki.STORE_PASSWORD,
                    "ssl.keystore.location", pki.clientP12.toString(),
                    "ssl.keystore.password", TestPki.STORE_PASSWORD,
                    "ssl.key.password", TestPki.KEY_PASSWORD,
                    "loginTimeoutMs", "0");
            TokenEndpointClient c = client(configs(ENDPOINT, null), j);
            assertEquals("tls-opaque-token", c.fetch().value());
            assertEquals("grant_type=client_credentials&client_id=app", tls.lastBody());
        }
    }

    @Test
    void parse_paramAssertion_isRefusedAsTheJwtBearerGrantSetsIt() throws Exception {
        Path file = assertionFile("token", "sa-1", now.plusSeconds(3600));
        assertNames(refused(configs(), jaas("grantType", JWT_BEARER, "clientAssertionFile",
                file.toString(), "param_assertion", "other")), "param_assertion");
    }

    @Test
    void fetch_assertionFileLargerThanItsSize_readsAtMostOneMiB() throws Exception {
        Path fifo = dir.resolve("fifo");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo",
                fifo.toString()).start().waitFor() == 0, "mkfifo");
        // A FIFO reports size 0 however much it delivers, as does a file replaced between
        // the size check and the read.
        Thread writer = new Thread(() -> {
            try (java.io.OutputStream out = Files.newOutputStream(fifo)) {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'a');
                for (int i = 0; i < 40; i++) {
                    out.write(chunk);
                }
            } catch (java.io.IOException readerStopped) {
                // The reader closed its end after its limit: expected.
            }
        });
        writer.setDaemon(true);
        writer.start();
        TokenEndpointClient c = client(configs(), jaas("clientAssertionFile", fifo.toString(),
                "loginTimeoutMs", "0"));
        TokenRequestException e = assertThrows(TokenRequestException.class, c::fetch);
        assertTrue(e.getMessage().contains("larger than 1 MiB"), e.getMessage());
        writer.join(5_000);
    }

    @Test
    void parse_templateWithNonStringIssuer_failsNamingTheTemplateOption() throws Exception {
        Path template = Files.writeString(dir.resolve("template.json"),
                "{\"payload\":{\"iss\":42}}");
        ConfigException e = refused(configs(KEY_FILE, pkcs8("rsa.pem", rsa()).toString(),
                "sasl.oauthbearer.assertion.template.file", template.toString()), jaas());
        assertNames(e, "sasl.oauthbearer.assertion.template.file", "iss");
    }

    @Test
    void credentialKey_explicitAndDefaultBasicWithIssuer_differ() {
        Map<String, Object> c = configs(ENDPOINT, null);
        LoginOptions chosen = LoginOptions.parse(c, jaas("clientSecret", "s", "issuerUrl",
                issuer()), Set.of());
        LoginOptions asked = LoginOptions.parse(c, jaas("clientSecret", "s", "issuerUrl",
                issuer(), "clientAuthMethod", "client_secret_basic"), Set.of());
        // Discovery may turn the default into client_secret_post, never the explicit one.
        assertNotEquals(chosen.credentialKey(), asked.credentialKey());
        LoginOptions fixed = LoginOptions.parse(configs(), jaas("clientSecret", "s"), Set.of());
        LoginOptions fixedAsked = LoginOptions.parse(configs(), jaas("clientSecret", "s",
                "clientAuthMethod", "client_secret_basic"), Set.of());
        assertEquals(fixed.credentialKey(), fixedAsked.credentialKey());
    }

    @Test
    void fetch_encryptedAssertionFile_isSentWithoutReadingItsClaims() throws Exception {
        // A JWE (RFC 7516 compact form, five parts): its claims are not readable here.
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"dir\",\"enc\":\"A128GCM\"}".getBytes(StandardCharsets.UTF_8));
        String jwe = header + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";
        Path file = Files.writeString(dir.resolve("jwe"), jwe);
        TokenEndpointClient c = client(configs(), jaas("clientAssertionFile", file.toString()));
        c.fetch();
        assertEquals(jwe, lastForm().get("client_assertion"));
    }
}
