package dev.kafkaoauth.login;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a connection check. Nothing in it is secret: no client secret and no token.
 *
 * @param name the step: {@value #CONFIGURATION}, {@value #TOKEN_REQUEST}, {@value #TOKEN},
 *     {@value #EXTENSIONS} or {@value #BROKER_LOGIN}
 * @param status the verdict
 * @param summary one line that says what was found, for every status
 * @param cause why the step failed or warns, or null when it passed
 * @param remedy what to change, or null when there is nothing to do
 * @param details facts found on the way, such as {@code subject} or {@code expiresAt}, in a
 *     stable order; never a secret
 */
public record CheckStep(String name, CheckStatus status, String summary, String cause,
        String remedy, Map<String, String> details) {

    /** Step: the client properties and the handler's options are read and validated. */
    public static final String CONFIGURATION = "configuration";
    /** Step: a fresh token is requested from the token endpoint (never a cached one). */
    public static final String TOKEN_REQUEST = "token-request";
    /** Step: the token received is read: subject, expiry, scopes. */
    public static final String TOKEN = "token";
    /** Step: the SASL extensions to send, checked against the names Confluent Cloud reads. */
    public static final String EXTENSIONS = "extensions";
    /** Step: an admin client logs in to the brokers and describes the cluster. */
    public static final String BROKER_LOGIN = "broker-login";

    public CheckStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
        details = details == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    static CheckStep pass(String name, String summary, Map<String, String> details) {
        return new CheckStep(name, CheckStatus.PASS, summary, null, null, details);
    }

    static CheckStep fail(String name, String summary, String cause, String remedy) {
        return new CheckStep(name, CheckStatus.FAIL, summary, cause, remedy, Map.of());
    }

    static CheckStep skipped(String name, String why) {
        return new CheckStep(name, CheckStatus.SKIPPED, why, null, null, Map.of());
    }
}
