package dev.kafkaoauth.login.examples.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.examples.AllowedUrls;
import dev.kafkaoauth.login.examples.Demo;
import dev.kafkaoauth.login.examples.EmbeddedKafkaBroker;
import dev.kafkaoauth.login.examples.bench.TokenProxy;
import dev.kafkaoauth.login.examples.bench.TokenProxy.FormValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.security.auth.callback.Callback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * private_key_jwt (RFC 7523 client authentication) against a real Keycloak, end to end: the
 * test registers "client-jwt" service-account clients through Keycloak's admin API (an RSA key
 * given as a public key, an EC P-256 key given as a self-signed certificate, and an RSA key
 * that Keycloak reads from a JWKS URL served here), then each logs in through the embedded
 * broker with {@link OAuthLoginCallbackHandler}, produces a record and consumes it back.
 */
@ExtendWith(KeycloakExtension.class)
class PrivateKeyJwtKeycloakTest {

    private static final String MODULE = BrokerClients.MODULE;
    private static final String TOPIC = "pkjwt-e2e";

    @TempDir
    static Path keysDir;

    private static KeycloakServer keycloak;
    private static KeycloakAdmin admin;
    private static EmbeddedKafkaBroker broker;
    private static AllowedUrls allowed;
    private static JwksServer jwks;
    private static final List<String> CREATED = new ArrayList<>();

    private static Client rsa;
    private static Client ec;
    private static Client jwksClient;

    /** A registered client: its id, the file of its private key, the sub of its tokens. */
    private record Client(String clientId, TestKeys keys, Path keyFile, String subject) { }

    @BeforeAll
    static void start(KeycloakServer server) throws Exception {
        keycloak = server;
        admin = new KeycloakAdmin(server);
        broker = EmbeddedKafkaBroker.builder().jwksUrl(server.jwksUrl())
                .expectedIssuer(server.issuerUrl()).expectedAudience(KeycloakServer.AUDIENCE)
                .start();
        allowed = AllowedUrls.add(server.tokenEndpointUrl(), server.discoveryUrl());
        broker.createTopic(TOPIC, 1);

        TestKeys rsaKeys = TestKeys.rsa();
        rsa = register("pkjwt-rsa", rsaKeys, Map.of(
                "jwt.credential.public.key", rsaKeys.publicKeyBase64(),
                "jwt.credential.kid", rsaKeys.kid(),
                "token.endpoint.auth.signing.alg", "RS256"));

        TestKeys ecKeys = TestKeys.ec();
        ecKeys.writeCertificate(keysDir.resolve("ec-cert.pem"));
        ec = register("pkjwt-ec", ecKeys, Map.of(
                "jwt.credential.certificate", ecKeys.certificateBase64(),
                "token.endpoint.auth.signing.alg", "ES256"));

        TestKeys jwksKeys = TestKeys.rsa();
        // The JWKS also holds a key of nobody's: Keycloak must pick ours by kid.
        jwks = JwksServer.start(List.of(TestKeys.ec(), jwksKeys));
        jwksClient = register("pkjwt-jwks", jwksKeys, Map.of(
                "use.jwks.url", "true",
                "jwks.url", jwks.url()));
    }

    private static Client register(String prefix, TestKeys keys, Map<String, String> attrs)
            throws Exception {
        String clientId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String id = admin.createServiceAccountClient(clientId, "client-jwt", attrs);
        CREATED.add(id);
        Path keyFile = keys.writePrivateKey(keysDir.resolve(clientId + "-key.pem"));
        return new Client(clientId, keys, keyFile, admin.serviceAccountUserId(id));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (String id : CREATED) {
                admin.deleteClient(id);
            }
        } finally {
            if (jwks != null) {
                jwks.close();
            }
            if (allowed != null) {
                allowed.close();
            }
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void producerAndConsumer_rsaKeyRegisteredAsPublicKey_brokerSeesServiceAccount(
            @TempDir Path dir) throws Exception {
        Map<String, String> props = tokenEndpoint();
        props.put("sasl.oauthbearer.assertion.private.key.file", rsa.keyFile().toString());

        roundTrip(dir, rsa, props, jaas(rsa, "assertionKeyId", rsa.keys().kid()));
    }

    @Test
    void producerAndConsumer_ecKeyRegisteredAsCertificate_brokerSeesServiceAccount(
            @TempDir Path dir) throws Exception {
        // Through a proxy that records the assertion; aud must then be set to Keycloak's URL.
        try (TokenProxy proxy = TokenProxy.start(keycloak.tokenEndpointUrl());
                AllowedUrls proxyUrl = AllowedUrls.add(proxy.url())) {
            Map<String, String> props = new LinkedHashMap<>();
            props.put("sasl.oauthbearer.token.endpoint.url", proxy.url());
            props.put("sasl.oauthbearer.assertion.private.key.file", ec.keyFile().toString());
            props.put("sasl.oauthbearer.assertion.algorithm", "ES256");
            props.put("sasl.oauthbearer.assertion.claim.aud", keycloak.tokenEndpointUrl());

            // No kid: Keycloak takes the client's one certificate; the header has x5t#S256.
            roundTrip(dir, ec, props, jaas(ec, "assertionCertificateFile",
                    keysDir.resolve("ec-cert.pem").toString(), "clientAuthMethod",
                    "private_key_jwt", "tokenCache", "private"));

            List<FormValue> sent = proxy.formValues("client_assertion");
            assertFalse(sent.isEmpty(), "no assertion went through the proxy");
            SignedJWT assertion = SignedJWT.parse(sent.get(0).value());
            assertEquals(JWSAlgorithm.ES256, assertion.getHeader().getAlgorithm());
            assertNull(assertion.getHeader().getKeyID());
            assertEquals(ec.keys().certificateThumbprint(),
                    String.valueOf(assertion.getHeader().getX509CertSHA256Thumbprint()));
            JWTClaimsSet claims = assertion.getJWTClaimsSet();
            assertEquals(ec.clientId(), claims.getIssuer());
            assertEquals(ec.clientId(), claims.getSubject());
            assertEquals(List.of(keycloak.tokenEndpointUrl()), claims.getAudience());
            assertNotNull(claims.getJWTID());
            assertEquals(List.of(ec.clientId()), proxy.formValues("client_id").stream()
                    .map(FormValue::value).distinct().toList());
        }
    }

    @Test
    void producerAndConsumer_keyReadByKeycloakFromTestJwksUrl_brokerSeesServiceAccount(
            @TempDir Path dir) throws Exception {
        Map<String, String> props = tokenEndpoint();
        props.put("sasl.oauthbearer.assertion.private.key.file",
                jwksClient.keyFile().toString());

        roundTrip(dir, jwksClient, props, jaas(jwksClient, "assertionKeyId",
                jwksClient.keys().kid()));
        assertTrue(jwks.requests() >= 1, "Keycloak never fetched the test's JWKS");
    }

    @Test
    void producerAndConsumer_issuerUrlWithoutTokenEndpoint_discoversAndLogsIn(
            @TempDir Path dir) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("sasl.oauthbearer.assertion.private.key.file", rsa.keyFile().toString());

        // A private cache: the first test's token for this client must not answer here.
        roundTrip(dir, rsa, props, jaas(rsa, "assertionKeyId", rsa.keys().kid(),
                "issuerUrl", keycloak.issuerUrl(), "tokenCache", "private"));
    }

    @Test
    void login_keyKeycloakDoesNotKnow_failsWithKeycloaksInvalidClient() throws Exception {
        // Same client id and kid as the registered RSA key, signed by another key.
        Path stranger = TestKeys.rsa().writePrivateKey(keysDir.resolve("stranger-key.pem"));
        Map<String, String> props = tokenEndpoint();
        props.put("sasl.oauthbearer.assertion.private.key.file", stranger.toString());
        Map<String, String> options = new LinkedHashMap<>();
        options.put("clientId", rsa.clientId());
        options.put("scope", KeycloakServer.SCOPE);
        options.put("assertionKeyId", rsa.keys().kid());
        options.put("tokenCache", "private");

        OAuthBearerTokenCallback cb = login(props, options);

        assertNull(cb.token());
        assertNotNull(cb.errorDescription(), "no error for an unknown key");
        System.out.println("[pkjwt] unknown key: " + cb.errorDescription());
        assertEquals("invalid_client", cb.errorCode(), cb.errorDescription());
        assertTrue(cb.errorDescription().contains("error=invalid_client"), cb.errorDescription());
        // Keycloak's error_description for a signature made by a key it does not hold.
        assertTrue(cb.errorDescription().contains("signed JWT failed"), cb.errorDescription());
        assertTrue(cb.errorDescription().contains("127.0.0.1"), cb.errorDescription());
        assertFalse(cb.errorDescription().contains("eyJ"), "an assertion in the message");
    }

    @Test
    void fixture_assertionsSignedByTheTest_keycloakAcceptsRegisteredKeysOnly() throws Exception {
        // Proves the registrations without our handler: a hand-made assertion per client.
        for (Client client : List.of(rsa, ec, jwksClient)) {
            // The certificate was registered without a kid: Keycloak must do without one.
            String assertion = client.keys().assertion(client.clientId(),
                    keycloak.tokenEndpointUrl(), Duration.ofSeconds(60), client != ec);
            HttpResponse<String> ok = assertionRequest(client.clientId(), assertion);
            assertEquals(200, ok.statusCode(), client.clientId() + ": " + ok.body());
            HttpResponse<String> again = assertionRequest(client.clientId(), assertion);
            assertEquals(400, again.statusCode(), "Keycloak accepted a reused jti");
        }
        String forged = TestKeys.rsa().assertion(rsa.clientId(), keycloak.tokenEndpointUrl(),
                Duration.ofSeconds(60));
        HttpResponse<String> refused = assertionRequest(rsa.clientId(), forged);
        System.out.println("[pkjwt] forged assertion: HTTP " + refused.statusCode() + " "
                + refused.body());
        assertTrue(refused.body().contains("invalid_client"), refused.body());
    }

    private static HttpResponse<String> assertionRequest(String clientId, String assertion)
            throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + clientId
                + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
                + "%3Ajwt-bearer&client_assertion=" + assertion + "&scope=kafka";
        return HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build().send(
                HttpRequest.newBuilder(URI.create(keycloak.tokenEndpointUrl()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> tokenEndpoint() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("sasl.oauthbearer.token.endpoint.url", keycloak.tokenEndpointUrl());
        return props;
    }

    /** The JAAS line: clientId and scope of the client, then the given option pairs. */
    private static String jaas(Client client, String... options) {
        StringBuilder line = new StringBuilder(MODULE).append(" required clientId=\"")
                .append(client.clientId()).append("\" scope=\"").append(KeycloakServer.SCOPE)
                .append('"');
        for (int i = 0; i < options.length; i += 2) {
            line.append(' ').append(options[i]).append("=\"").append(options[i + 1])
                    .append('"');
        }
        return line.append(';').toString();
    }

    private static void roundTrip(Path dir, Client client, Map<String, String> props,
            String jaas) throws IOException {
        int loginsBefore = broker.seenLogins().size();
        Properties p = new Properties();
        BrokerClients.oauthListener(broker).forEach(p::setProperty);
        props.forEach(p::setProperty);
        p.setProperty("sasl.jaas.config", jaas);
        Path file = dir.resolve(client.clientId() + ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }

        Demo.Result result = Demo.runOnCluster(file, TOPIC);

        assertTrue(result.success(), result.failure());
        assertEquals(1, result.handlers().get(0).consumed());
        List<EmbeddedKafkaBroker.SeenLogin> logins = broker.seenLogins()
                .subList(loginsBefore, broker.seenLogins().size());
        assertFalse(logins.isEmpty(), "the broker saw no login");
        // Keycloak's sub is the id of the client's service-account user.
        assertTrue(logins.stream().allMatch(l -> l.principal().equals(client.subject())),
                () -> "expected principal " + client.subject() + ", saw " + logins);
        assertTrue(logins.get(0).scopes().contains(KeycloakServer.SCOPE),
                logins.get(0).scopes()::toString);
    }

    private static OAuthBearerTokenCallback login(Map<String, String> props,
            Map<String, String> options) throws Exception {
        OAuthLoginCallbackHandler h = new OAuthLoginCallbackHandler();
        h.configure(props, "OAUTHBEARER", List.of(new AppConfigurationEntry(MODULE,
                LoginModuleControlFlag.REQUIRED, options)));
        try {
            OAuthBearerTokenCallback cb = new OAuthBearerTokenCallback();
            h.handle(new Callback[] {cb});
            return cb;
        } finally {
            h.close();
        }
    }
}
