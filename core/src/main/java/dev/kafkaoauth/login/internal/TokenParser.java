package dev.kafkaoauth.login.internal;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an access token without verifying it (the broker does that): a JWS is read for its
 * expiry, issue time and claims; anything else is opaque and needs {@code expires_in}.
 */
public final class TokenParser {

    /**
     * An {@code exp} beyond this (year 5138, in seconds) is milliseconds since the epoch, a
     * known identity-provider bug: RFC 7519 NumericDate is seconds. Read as seconds it would
     * give a token that never expires, so it is refused.
     */
    static final long MAX_EXP_SECONDS = 100_000_000_000L;

    private TokenParser() {
    }

    /**
     * Parses a token.
     *
     * @param value the access token
     * @param expiresInSeconds the response's {@code expires_in}, or null
     * @param now the time the token arrived
     * @param clientId the client id that fetched it
     * @throws InvalidTokenException naming what is wrong; never containing the token
     */
    public static AccessToken parse(String value, Long expiresInSeconds, Instant now,
            String clientId) {
        Map<String, Object> claims = Map.of();
        boolean jwt = false;
        Instant exp = null;
        Instant iat = null;
        if (looksLikeJws(value)) {
            try {
                JWT parsed = JWTParser.parse(value);
                if (parsed instanceof SignedJWT || parsed instanceof PlainJWT) {
                    var set = parsed.getJWTClaimsSet();
                    claims = withoutNulls(set.getClaims());
                    exp = instant(set.getExpirationTime());
                    if (exp != null && exp.getEpochSecond() > MAX_EXP_SECONDS) {
                        throw new InvalidTokenException("the exp claim (" + exp.getEpochSecond()
                                + ") is milliseconds, not seconds since the epoch as RFC 7519"
                                + " requires: fix the identity provider's token settings",
                                null, false);
                    }
                    iat = instant(set.getIssueTime());
                    jwt = true;
                }
            } catch (ParseException e) {
                if (expiresInSeconds == null) {
                    throw new InvalidTokenException("access_token looks like a JWT but cannot be"
                            + " read (" + safeReason(e) + "), and the response has no expires_in",
                            null); // the parser's exception may quote the token: not kept
                }
            }
        }
        Instant fromExpiresIn = expiresInSeconds == null ? null
                : now.plusSeconds(expiresInSeconds);
        Instant expiresAt = earlier(exp, fromExpiresIn);
        if (expiresAt == null) {
            throw new InvalidTokenException(jwt
                    ? "the token has no exp claim and the response has no expires_in: its"
                            + " lifetime is unknown"
                    : "the token is opaque (not a JWT) and the response has no expires_in: its"
                            + " lifetime is unknown", null);
        }
        if (!expiresAt.isAfter(now)) {
            throw new InvalidTokenException("the token expired at " + expiresAt
                    + ", before it arrived at " + now + " (check the clocks of this host and"
                    + " the identity provider)", null);
        }
        Instant issuedAt = iat == null || iat.isAfter(now) ? now : iat;
        return new AccessToken(value, issuedAt, expiresAt, claims, jwt, clientId);
    }

    /**
     * The header of a JWT, for diagnosis: {@code alg}, {@code typ}, {@code kid} and the other
     * header parameters, never the signature; empty when the value is not a readable JWT.
     */
    public static Map<String, Object> header(String value) {
        if (value == null || !looksLikeJws(value)) {
            return Map.of();
        }
        try {
            return withoutNulls(JWTParser.parse(value).getHeader().toJSONObject());
        } catch (ParseException e) {
            return Map.of(); // the parser's message may quote the token: not kept
        }
    }

    private static boolean looksLikeJws(String value) {
        int dots = 0;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '.') {
                dots++;
            }
        }
        return dots == 2;
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> claims) {
        Map<String, Object> copy = new HashMap<>();
        claims.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    /** The parser's reason, which may quote a part of the token: only its first words. */
    private static String safeReason(ParseException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int colon = m.indexOf(':');
        return colon > 0 ? m.substring(0, colon) : "malformed";
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    /** The token cannot be used; the message never contains the token. */
    public static final class InvalidTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean retriable;

        InvalidTokenException(String message, Throwable cause) {
            this(message, cause, true);
        }

        InvalidTokenException(String message, Throwable cause, boolean retriable) {
            super(message, cause);
            this.retriable = retriable;
        }

        /** False when the identity provider will send the same unusable token again. */
        public boolean isRetriable() {
            return retriable;
        }
    }
}
