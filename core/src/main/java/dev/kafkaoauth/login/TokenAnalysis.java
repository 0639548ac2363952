package dev.kafkaoauth.login;

import dev.kafkaoauth.login.internal.AccessToken;
import dev.kafkaoauth.login.internal.LoginOptions;
import dev.kafkaoauth.login.internal.TokenParser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The token step of a connection check: what a broker and Kafka's re-login thread will make
 * of the token. Reads the header and claims, never the signature or the token itself.
 */
final class TokenAnalysis {

    /** Claims tried after the configured subject claim, as {@link AccessToken} does. */
    private static final List<String> SUBJECT_FALLBACKS =
            List.of("sub", "client_id", "azp", "appid");
    /** An {@code iat} further ahead of this host's clock than this means the clocks differ. */
    private static final Duration SKEW_TOLERANCE = Duration.ofSeconds(5);

    private final List<String> warnings = new ArrayList<>();
    private final List<String> remedies = new ArrayList<>();
    private final Map<String, String> details = new LinkedHashMap<>();

    private TokenAnalysis() {
    }

    /**
     * Judges a token.
     *
     * @param o the handler's options
     * @param token the token as parsed
     * @param arrival when the token arrived, by this host's clock
     * @param clientPasses the client's configs, for Kafka's re-login settings
     */
    static CheckStep analyse(LoginOptions o, AccessToken token, Instant arrival,
            Map<String, ?> clientPasses) {
        TokenAnalysis a = new TokenAnalysis();
        a.shape(token);
        a.subject(o, token);
        a.scopes(o, token);
        a.times(token, arrival);
        a.relogin(token, arrival, clientPasses);
        String summary = "Token for " + token.subject(o.subClaimName()) + ", valid for "
                + token.lifetimeSeconds() + " s";
        if (a.warnings.isEmpty()) {
            return CheckStep.pass(CheckStep.TOKEN, summary, a.details);
        }
        return new CheckStep(CheckStep.TOKEN, CheckStatus.WARN, summary,
                String.join("; ", a.warnings), String.join("; ", a.remedies), a.details);
    }

    private void warn(String warning, String remedy) {
        warnings.add(warning);
        remedies.add(remedy);
    }

    private void shape(AccessToken token) {
        details.put("type", token.jwt() ? "JWT" : "opaque");
        if (!token.jwt()) {
            warn("the token is opaque (not a JWT): brokers that validate tokens with Kafka's"
                    + " OAuthBearerValidatorCallbackHandler (sasl.oauthbearer.jwks.endpoint.url)"
                    + " refuse it",
                    "have the identity provider issue JWT access tokens for this client (an"
                            + " audience or resource parameter, param_audience=..., often"
                            + " selects them), unless the brokers introspect opaque tokens");
            return;
        }
        Map<String, Object> header = new TreeMap<>(TokenParser.header(token.value()));
        details.put("header", render(header));
        details.put("claims", render(new TreeMap<>(token.claims())));
        details.put("issuer", text(token.claims().get("iss")));
        details.put("audience", text(token.claims().get("aud")));
    }

    private void subject(LoginOptions o, AccessToken token) {
        String configured = o.subClaimName();
        String subject = token.subject(configured);
        if (!token.jwt()) {
            details.put("subject", subject);
            details.put("subjectFrom", "the client id (an opaque token has no claims)");
            return;
        }
        if (stringClaim(token, configured) != null) {
            details.put("subject", subject);
            details.put("subjectFrom", "claim " + configured);
            return;
        }
        String from = SUBJECT_FALLBACKS.stream().filter(c -> stringClaim(token, c) != null)
                .findFirst().orElse(null);
        details.put("subject", subject);
        details.put("subjectFrom", from == null ? "the client id (no subject claim)"
                : "claim " + from + " (fallback)");
        String remedy = "add a " + configured + " claim at the identity provider (a claim"
                + " mapper)" + (from == null ? "" : ", or set "
                + SaslConfigs.SASL_OAUTHBEARER_SUB_CLAIM_NAME + "=" + from + " on the brokers"
                + " and here");
        warn("the token has no " + configured + " claim (" + SaslConfigs
                .SASL_OAUTHBEARER_SUB_CLAIM_NAME + "=" + configured + "); this client uses "
                + (from == null ? "its client id" : "claim " + from) + ", but brokers read "
                + configured + " and refuse a token without it", remedy);
    }

    private void scopes(LoginOptions o, AccessToken token) {
        Set<String> scopes = token.scopes(o.scopeClaimName());
        details.put("scopes", scopes.isEmpty() ? "-" : String.join(" ", new TreeSet<>(scopes)));
        if (o.scope() != null && token.jwt() && !scopes.isEmpty()) {
            List<String> missing = new ArrayList<>(Arrays.asList(o.scope().trim().split("\\s+")));
            missing.removeAll(scopes);
            if (!missing.isEmpty()) {
                warn("scopes requested but not in the token's " + o.scopeClaimName()
                        + " claim: " + String.join(" ", missing),
                        "grant those scopes to the client, or stop requesting them");
            }
        }
    }

    private void times(AccessToken token, Instant arrival) {
        details.put("localClock", arrival.toString());
        Object iat = token.claims().get("iat");
        if (iat instanceof Date) {
            Instant issued = ((Date) iat).toInstant();
            details.put("issuedAt", issued.toString());
            Duration ahead = Duration.between(arrival, issued);
            if (ahead.compareTo(SKEW_TOLERANCE) > 0) {
                warn("the token's iat is " + ahead.toSeconds() + " s ahead of this host's"
                        + " clock: the clocks of this host and the identity provider differ",
                        "synchronise this host's clock (NTP)");
            }
        }
        details.put("expiresAt", token.expiresAt().toString());
        details.put("lifetimeSeconds", Long.toString(token.lifetimeSeconds()));
    }

    /**
     * What Kafka's re-login thread ({@code ExpiringCredentialRefreshingLogin}) does with the
     * token: re-login at window factor plus jitter of what is left, kept at least the minimum
     * period after login and at least the buffer before expiry; when both margins do not fit
     * in what is left, it drops them and only the factor applies.
     */
    private void relogin(AccessToken token, Instant arrival, Map<String, ?> configs) {
        double factor = number(configs, SaslConfigs.SASL_LOGIN_REFRESH_WINDOW_FACTOR, 0.8);
        double jitter = number(configs, SaslConfigs.SASL_LOGIN_REFRESH_WINDOW_JITTER, 0.05);
        long minPeriod = (long) number(configs,
                SaslConfigs.SASL_LOGIN_REFRESH_MIN_PERIOD_SECONDS, 60);
        long buffer = (long) number(configs, SaslConfigs.SASL_LOGIN_REFRESH_BUFFER_SECONDS,
                300);
        long left = Duration.between(arrival, token.expiresAt()).toSeconds();
        long low = (long) (left * factor);
        long high = (long) (left * (factor + jitter));
        String window = Math.round(factor * 100) + "-" + Math.round((factor + jitter) * 100)
                + "% of " + left + " s";
        if (left < minPeriod + buffer) {
            String what = "Kafka re-logs in after " + low + "-" + high + " s (" + window
                    + "): the token is too short for its buffer of " + buffer + " s and"
                    + " minimum period of " + minPeriod + " s, which it drops (and logs a"
                    + " warning at each login)";
            details.put("kafkaRelogin", what);
            if (low < minPeriod) {
                warn("the token lives " + left + " s: " + what + ", so every client logs in"
                                + " again more often than once per " + minPeriod + " s",
                        "raise the token lifetime at the identity provider to at least "
                                + (minPeriod + buffer) + " s (" + SaslConfigs
                                .SASL_LOGIN_REFRESH_MIN_PERIOD_SECONDS + " + "
                                + SaslConfigs.SASL_LOGIN_REFRESH_BUFFER_SECONDS + ")");
            }
            return;
        }
        long at = Math.min(Math.max(low, minPeriod), left - buffer);
        long atHigh = Math.min(Math.max(high, minPeriod), left - buffer);
        details.put("kafkaRelogin", "Kafka re-logs in after " + at
                + (atHigh == at ? "" : "-" + atHigh) + " s (" + window + ", at least "
                + minPeriod + " s after login and " + buffer + " s before expiry)");
    }

    private static double number(Map<String, ?> configs, String name, double fallback) {
        Object v = configs.get(name);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        try {
            return v == null ? fallback : Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String stringClaim(AccessToken token, String name) {
        Object v = name == null ? null : token.claims().get(name);
        return v instanceof String && !((String) v).isBlank() ? (String) v : null;
    }

    private static String render(Map<String, Object> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + text(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String text(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Date) {
            Instant i = ((Date) v).toInstant();
            return i.getEpochSecond() + " (" + i + ")";
        }
        if (v instanceof Collection) {
            return ((Collection<?>) v).stream().map(TokenAnalysis::text)
                    .collect(Collectors.joining(" ", "[", "]"));
        }
        if (v instanceof Map) {
            return "{" + ((Map<?, ?>) v).keySet().stream().map(String::valueOf)
                    .collect(Collectors.joining(" ")) + "}";
        }
        return String.valueOf(v);
    }
}
