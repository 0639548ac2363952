package dev.kafkaoauth.login;

import java.util.Set;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;

/**
 * The token handed to Kafka. A new instance is made for every login: Kafka's re-login removes
 * the previous credential from the Subject by identity, so reusing an instance would leave the
 * Subject without a token. {@link #toString()} never shows the token's value.
 */
public final class OAuthLoginToken implements OAuthBearerToken {

    private final String value;
    private final Set<String> scope;
    private final long lifetimeMs;
    private final String principalName;
    private final Long startTimeMs;

    /**
     * Creates a token.
     *
     * @param value the access token
     * @param scope its scopes
     * @param lifetimeMs when it expires, in ms since the epoch
     * @param principalName the principal it names
     * @param startTimeMs when it became valid, in ms since the epoch, or null
     */
    public OAuthLoginToken(String value, Set<String> scope, long lifetimeMs,
            String principalName, Long startTimeMs) {
        this.value = value;
        this.scope = Set.copyOf(scope);
        this.lifetimeMs = lifetimeMs;
        this.principalName = principalName;
        this.startTimeMs = startTimeMs;
    }

    @Override
    public String value() {
        return value;
    }

    @Override
    public Set<String> scope() {
        return scope;
    }

    @Override
    public long lifetimeMs() {
        return lifetimeMs;
    }

    @Override
    public String principalName() {
        return principalName;
    }

    @Override
    public Long startTimeMs() {
        return startTimeMs;
    }

    @Override
    public String toString() {
        return "OAuthLoginToken{principal=" + principalName + ", scope=" + scope
                + ", startTimeMs=" + startTimeMs + ", lifetimeMs=" + lifetimeMs + "}";
    }
}
