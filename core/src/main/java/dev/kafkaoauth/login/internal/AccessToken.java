package dev.kafkaoauth.login.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An access token as received and parsed: its value, its validity and the claims the handlers
 * need. Immutable; {@link #toString()} never shows the value.
 *
 * @param value the token itself; never logged
 * @param issuedAt when the token became valid: its {@code iat}, or the time it arrived when
 *     that is missing or in the future
 * @param expiresAt the earlier of {@code exp} and arrival plus {@code expires_in}
 * @param claims the JWT claims, empty for an opaque token
 * @param jwt whether the value is a JWT whose claims were read
 * @param clientId the client id that fetched it: the principal of last resort
 */
public record AccessToken(String value, Instant issuedAt, Instant expiresAt,
        Map<String, Object> claims, boolean jwt, String clientId) {

    /** Claims tried, in order, after the configured subject claim. */
    private static final String[] SUBJECT_FALLBACKS = {"sub", "client_id", "azp", "appid"};

    public AccessToken {
        claims = Map.copyOf(claims);
    }

    /** The principal: the configured claim, then sub, client_id, azp, appid, the client id. */
    public String subject(String claimName) {
        String s = stringClaim(claimName);
        for (int i = 0; s == null && i < SUBJECT_FALLBACKS.length; i++) {
            s = stringClaim(SUBJECT_FALLBACKS[i]);
        }
        return s != null ? s : clientId;
    }

    /** Scopes from the named claim: a space-separated string or an array of strings. */
    public Set<String> scopes(String claimName) {
        Object raw = claims.get(claimName);
        if (raw instanceof String) {
            String trimmed = ((String) raw).trim();
            return trimmed.isEmpty() ? Set.of() : Set.of(dedupe(trimmed.split("\\s+")));
        }
        if (raw instanceof Iterable) {
            LinkedHashSet<String> out = new LinkedHashSet<>();
            for (Object o : (Iterable<?>) raw) {
                if (o != null && !o.toString().isBlank()) {
                    out.add(o.toString().trim());
                }
            }
            return Set.copyOf(out);
        }
        return Set.of();
    }

    private static String[] dedupe(String[] parts) {
        return new LinkedHashSet<>(Arrays.asList(parts))
                .toArray(new String[0]);
    }

    private String stringClaim(String name) {
        Object v = name == null ? null : claims.get(name);
        return v instanceof String && !((String) v).isBlank() ? (String) v : null;
    }

    /** The lifetime in whole seconds, from issue to expiry. */
    public long lifetimeSeconds() {
        return expiresAt.getEpochSecond() - issuedAt.getEpochSecond();
    }

    @Override
    public String toString() {
        return "AccessToken{" + (jwt ? "jwt" : "opaque") + ", issuedAt=" + issuedAt
                + ", expiresAt=" + expiresAt + ", clientId=" + clientId + "}";
    }
}
