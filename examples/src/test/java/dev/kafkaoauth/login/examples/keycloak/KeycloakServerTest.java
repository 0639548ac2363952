package dev.kafkaoauth.login.examples.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the Keycloak fixture: the realm, its clients and Keycloak's real answers to good and
 * bad client-credentials requests, made with plain java.net.http.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakServerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static KeycloakServer keycloak;

    @BeforeAll
    static void setUp(KeycloakServer server) {
        keycloak = server;
        System.out.printf("[keycloak] %s ready in %d ms (re-augmented: %s, seed created: %s)%n",
                server.issuerUrl(), server.startupTime().toMillis(), server.reaugmented(),
                server.seedCreated());
    }

    @Test
    void discovery_fixtureUrls_matchDiscoveryDocument() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(keycloak.discoveryUrl())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        Map<String, Object> doc = TestJson.parseObject(response.body());
        assertEquals("http://127.0.0.1:" + keycloak.port() + "/realms/kafka", keycloak.issuerUrl());
        assertEquals(keycloak.issuerUrl(), doc.get("issuer"));
        assertEquals(keycloak.tokenEndpointUrl(), doc.get("token_endpoint"));
        assertEquals(keycloak.jwksUrl(), doc.get("jwks_uri"));
        List<?> methods = (List<?>) doc.get("token_endpoint_auth_methods_supported");
        assertTrue(methods.contains("client_secret_basic"), methods::toString);
        assertTrue(methods.contains("client_secret_post"), methods::toString);
    }

    @Test
    void clientCredentials_basicAuth_returnsTokenWithDocumentedClaims() throws Exception {
        HttpResponse<String> response = tokenRequest(
                basic(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET), Map.of());

        assertEquals(200, response.statusCode(), response::body);
        Map<String, Object> body = TestJson.parseObject(response.body());
        assertEquals("Bearer", body.get("token_type"));
        long expiresIn = ((BigDecimal) body.get("expires_in")).longValueExact();
        assertTrue(expiresIn > 290 && expiresIn <= 300, "expires_in " + expiresIn);
        String token = (String) body.get("access_token");
        Map<String, Object> claims = verifiedClaims(token);
        assertEquals(keycloak.issuerUrl(), claims.get("iss"));
        assertEquals(KeycloakServer.AUDIENCE, claims.get("aud"));
        assertEquals(KeycloakServer.CLIENT_ID, claims.get("azp"));
        assertEquals("Bearer", claims.get("typ"));
        assertEquals(KeycloakServer.DEFAULT_TOKEN_LIFESPAN.toSeconds(), lifetime(claims));
        String sub = (String) claims.get("sub");
        assertTrue(sub != null && !sub.isEmpty(), "sub " + sub);
        assertNotEquals(KeycloakServer.CLIENT_ID, sub, "sub is the service account's id");
        assertEquals("", claims.get("scope"), "no scope requested, no default scope");
    }

    @Test
    void clientCredentials_basicAuthSpecialSecretFormEncoded_succeeds() throws Exception {
        HttpResponse<String> response = tokenRequest(
                basic(KeycloakServer.SPECIAL_CLIENT_ID, KeycloakServer.SPECIAL_CLIENT_SECRET),
                Map.of());

        assertEquals(200, response.statusCode(), response::body);
        Map<String, Object> claims = verifiedClaims(accessToken(response));
        assertEquals(KeycloakServer.SPECIAL_CLIENT_ID, claims.get("azp"));
        assertEquals(KeycloakServer.AUDIENCE, claims.get("aud"));
    }

    @Test
    void clientCredentials_basicAuthSpecialSecretNotFormEncoded_returns400() throws Exception {
        // Keycloak URL-decodes Basic credentials (RFC 6749 2.3.1): "%ia" is not a valid escape.
        String raw = KeycloakServer.SPECIAL_CLIENT_ID + ":" + KeycloakServer.SPECIAL_CLIENT_SECRET;
        String header = "Basic " + Base64.getEncoder()
                .encodeToString(raw.getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = tokenRequest(header, Map.of());

        assertError(response, 400, "unauthorized_client");
    }

    @Test
    void clientCredentials_clientSecretPost_succeeds() throws Exception {
        HttpResponse<String> response = tokenRequest(null, Map.of(
                "client_id", KeycloakServer.SPECIAL_CLIENT_ID,
                "client_secret", KeycloakServer.SPECIAL_CLIENT_SECRET));

        assertEquals(200, response.statusCode(), response::body);
        Map<String, Object> claims = verifiedClaims(accessToken(response));
        assertEquals(KeycloakServer.SPECIAL_CLIENT_ID, claims.get("azp"));
        assertEquals(keycloak.issuerUrl(), claims.get("iss"));
    }

    @Test
    void clientCredentials_wrongSecretBasic_returns401UnauthorizedClient() throws Exception {
        HttpResponse<String> response =
                tokenRequest(basic(KeycloakServer.CLIENT_ID, "wrong-secret"), Map.of());

        // Keycloak answers a known client with a wrong secret with unauthorized_client, not
        // RFC 6749's invalid_client; an unknown client gets invalid_client (below).
        Map<String, Object> body = assertError(response, 401, "unauthorized_client");
        assertEquals("Invalid client or Invalid client credentials",
                body.get("error_description"));
    }

    @Test
    void clientCredentials_wrongSecretPost_returns401UnauthorizedClient() throws Exception {
        HttpResponse<String> response = tokenRequest(null, Map.of(
                "client_id", KeycloakServer.CLIENT_ID, "client_secret", "wrong-secret"));

        assertError(response, 401, "unauthorized_client");
    }

    @Test
    void clientCredentials_unknownClient_returns401InvalidClient() throws Exception {
        HttpResponse<String> response =
                tokenRequest(basic("no-such-client", "whatever"), Map.of());

        assertError(response, 401, "invalid_client");
    }

    @Test
    void clientCredentials_scopeKafka_grantsScope() throws Exception {
        HttpResponse<String> response = tokenRequest(
                basic(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET),
                Map.of("scope", KeycloakServer.SCOPE));

        assertEquals(200, response.statusCode(), response::body);
        assertEquals(KeycloakServer.SCOPE, TestJson.parseObject(response.body()).get("scope"));
        Map<String, Object> claims = verifiedClaims(accessToken(response));
        assertEquals(KeycloakServer.SCOPE, claims.get("scope"));
        assertEquals(KeycloakServer.AUDIENCE, claims.get("aud"));
    }

    @Test
    void clientCredentials_unknownScope_returns400InvalidScope() throws Exception {
        HttpResponse<String> response = tokenRequest(
                basic(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET),
                Map.of("scope", "no-such-scope"));

        assertError(response, 400, "invalid_scope");
    }

    @Test
    void clientCredentials_clientWithoutServiceAccount_returns401UnauthorizedClient()
            throws Exception {
        HttpResponse<String> response = tokenRequest(basic(
                KeycloakServer.NO_SERVICE_ACCOUNT_CLIENT_ID,
                KeycloakServer.NO_SERVICE_ACCOUNT_CLIENT_SECRET), Map.of());

        assertError(response, 401, "unauthorized_client");
    }

    @Test
    void clientCredentials_shortLifespanClient_tokenLivesTwentySeconds() throws Exception {
        HttpResponse<String> response = tokenRequest(
                basic(KeycloakServer.SHORT_CLIENT_ID, KeycloakServer.SHORT_CLIENT_SECRET),
                Map.of());

        assertEquals(200, response.statusCode(), response::body);
        Map<String, Object> claims = verifiedClaims(accessToken(response));
        assertEquals(KeycloakServer.SHORT_TOKEN_LIFESPAN.toSeconds(), lifetime(claims));
        assertEquals(KeycloakServer.SHORT_CLIENT_ID, claims.get("azp"));
    }

    @Test
    void realmJson_customLifespan_setsRealmAccessTokenLifespan() {
        Map<String, Object> realm =
                TestJson.parseObject(KeycloakServer.realmJson(Duration.ofSeconds(42)));

        assertEquals(new BigDecimal(42), realm.get("accessTokenLifespan"));
        assertEquals(KeycloakServer.REALM, realm.get("realm"));
    }

    @Test
    void realmJson_fractionalLifespan_throws() {
        assertThrows(IllegalArgumentException.class,
                () -> KeycloakServer.realmJson(Duration.ofMillis(1500)));
    }

    @Test
    void extension_repeatedInjection_sharesOneServer(KeycloakServer injected) {
        assertSame(keycloak, injected);
        assertEquals(1, KeycloakServer.startCount());
    }

    private static HttpResponse<String> tokenRequest(String authorization,
            Map<String, String> params) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials" + params.entrySet().stream()
                .map(e -> "&" + formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining());
        URI endpoint = URI.create(keycloak.tokenEndpointUrl());
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** RFC 6749 2.3.1: id and secret are form-url-encoded, then joined and Base64-encoded. */
    private static String basic(String clientId, String secret) {
        String credentials = formEncode(clientId) + ":" + formEncode(secret);
        return "Basic " + Base64.getEncoder()
                .encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> assertError(HttpResponse<String> response, int status,
            String error) {
        assertEquals(status, response.statusCode(), response::body);
        Map<String, Object> body = TestJson.parseObject(response.body());
        assertEquals(error, body.get("error"), response::body);
        return body;
    }

    private static String accessToken(HttpResponse<String> response) {
        return (String) TestJson.parseObject(response.body()).get("access_token");
    }

    private static long lifetime(Map<String, Object> claims) {
        return ((BigDecimal) claims.get("exp")).longValueExact()
                - ((BigDecimal) claims.get("iat")).longValueExact();
    }

    /** The token's claims, after checking its RS256 signature with a key of the realm's JWKS. */
    private static Map<String, Object> verifiedClaims(String token) throws Exception {
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, "a JWS in compact form");
        Map<String, Object> header = TestJson.parseObject(decode(parts[0]));
        assertEquals("RS256", header.get("alg"));
        PublicKey key = jwksKey((String) header.get("kid"));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(key);
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rs256.verify(Base64.getUrlDecoder().decode(parts[2])), "signature");
        return TestJson.parseObject(decode(parts[1]));
    }

    private static PublicKey jwksKey(String kid) throws IOException, InterruptedException,
            GeneralSecurityException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(keycloak.jwksUrl())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        List<?> keys = (List<?>) TestJson.parseObject(response.body()).get("keys");
        for (Object k : keys) {
            Map<?, ?> jwk = (Map<?, ?>) k;
            if (kid.equals(jwk.get("kid")) && "RSA".equals(jwk.get("kty"))) {
                BigInteger n = unsigned((String) jwk.get("n"));
                BigInteger e = unsigned((String) jwk.get("e"));
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
            }
        }
        throw new AssertionError("No RSA key " + kid + " in " + response.body());
    }

    private static BigInteger unsigned(String base64Url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64Url));
    }

    private static String decode(String base64Url) {
        return new String(Base64.getUrlDecoder().decode(base64Url), StandardCharsets.UTF_8);
    }
}
