package dev.kafkaoauth.login.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.internal.TokenParser.InvalidTokenException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenParserTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void parse_jwtWithExpAndIat_readsLifetimeAndClaims() {
        String jwt = Jwts.jwt(Map.of("sub", "svc", "exp", NOW.plusSeconds(3600),
                "iat", NOW.minusSeconds(10), "scope", "kafka read"));
        AccessToken t = TokenParser.parse(jwt, null, NOW, "client");
        assertTrue(t.jwt());
        assertEquals(NOW.plusSeconds(3600), t.expiresAt());
        assertEquals(NOW.minusSeconds(10), t.issuedAt());
        assertEquals("svc", t.subject("sub"));
        assertEquals(Set.of("kafka", "read"), t.scopes("scope"));
    }

    @Test
    void parse_expiresInEarlierThanExp_takesTheEarlier() {
        String jwt = Jwts.jwt(Map.of("sub", "svc", "exp", NOW.plusSeconds(3600)));
        AccessToken t = TokenParser.parse(jwt, 60L, NOW, "client");
        assertEquals(NOW.plusSeconds(60), t.expiresAt());
    }

    @Test
    void parse_iatInTheFuture_countsAsNow() {
        String jwt = Jwts.jwt(Map.of("exp", NOW.plusSeconds(600), "iat", NOW.plusSeconds(30)));
        assertEquals(NOW, TokenParser.parse(jwt, null, NOW, "client").issuedAt());
    }

    @Test
    void parse_scopeAsArray_readsEveryEntry() {
        String jwt = Jwts.jwt(Map.of("exp", NOW.plusSeconds(600), "scp", List.of("a", "b")));
        assertEquals(Set.of("a", "b"), TokenParser.parse(jwt, null, NOW, "c").scopes("scp"));
    }

    @Test
    void parse_jwtWithPaddedSegments_isRead() {
        String jwt = Jwts.jwt(Map.of("sub", "padded", "exp", NOW.plusSeconds(600)));
        String[] parts = jwt.split("\\.");
        String padded = pad(parts[0]) + "." + pad(parts[1]) + "." + parts[2];
        AccessToken t = TokenParser.parse(padded, null, NOW, "c");
        assertEquals("padded", t.subject("sub"));
    }

    private static String pad(String segment) {
        int rest = segment.length() % 4;
        return rest == 0 ? segment : segment + "=".repeat(4 - rest);
    }

    @Test
    void parse_unsignedSegmentsWithoutSignatureCheck_areReadAsClaims() {
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"sub\":\"x\",\"exp\":" + NOW.plusSeconds(99).getEpochSecond()
                + "}");
        AccessToken t = TokenParser.parse(header + "." + payload + ".c2ln", null, NOW, "c");
        assertEquals("x", t.subject("sub"));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void subject_configuredClaimMissing_fallsBackInOrder() {
        Instant exp = NOW.plusSeconds(600);
        assertEquals("u", parse(Map.of("exp", exp, "upn", "u", "sub", "s")).subject("upn"));
        assertEquals("s", parse(Map.of("exp", exp, "sub", "s")).subject("upn"));
        assertEquals("cid", parse(Map.of("exp", exp, "client_id", "cid", "azp", "a"))
                .subject("sub"));
        assertEquals("a", parse(Map.of("exp", exp, "azp", "a", "appid", "app")).subject("sub"));
        assertEquals("app", parse(Map.of("exp", exp, "appid", "app")).subject("sub"));
        assertEquals("client", parse(Map.of("exp", exp)).subject("sub"));
    }

    private static AccessToken parse(Map<String, Object> claims) {
        return TokenParser.parse(Jwts.jwt(claims), null, NOW, "client");
    }

    @Test
    void parse_opaqueWithExpiresIn_isAcceptedWithClientIdAsPrincipal() {
        AccessToken t = TokenParser.parse("opaque-token-value", 300L, NOW, "client");
        assertFalse(t.jwt());
        assertEquals(NOW.plusSeconds(300), t.expiresAt());
        assertEquals("client", t.subject("sub"));
        assertEquals(Set.of(), t.scopes("scope"));
    }

    @Test
    void parse_opaqueWithoutExpiresIn_failsNamingTheMissingLifetime() {
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> TokenParser.parse("opaque-token-value", null, NOW, "client"));
        assertTrue(e.getMessage().contains("expires_in"), e.getMessage());
        assertFalse(e.getMessage().contains("opaque-token-value"));
    }

    @Test
    void parse_jwtWithoutExp_failsAsUnknownLifetime() {
        String jwt = Jwts.jwt(Map.of("sub", "svc"));
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> TokenParser.parse(jwt, null, NOW, "client"));
        assertTrue(e.getMessage().contains("no exp claim"), e.getMessage());
    }

    @Test
    void parse_expiredJwt_failsNamingTheExpiry() {
        String jwt = Jwts.jwt(Map.of("sub", "svc", "exp", NOW.minusSeconds(1)));
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> TokenParser.parse(jwt, null, NOW, "client"));
        assertTrue(e.getMessage().contains("expired at " + NOW.minusSeconds(1)), e.getMessage());
        assertFalse(e.getMessage().contains(jwt));
    }

    @Test
    void toString_neverShowsTheValue() {
        String jwt = Jwts.jwt(Map.of("sub", "svc", "exp", NOW.plusSeconds(60)));
        AccessToken t = TokenParser.parse(jwt, null, NOW, "client");
        assertFalse(t.toString().contains(jwt.split("\\.")[1]));
    }
}
