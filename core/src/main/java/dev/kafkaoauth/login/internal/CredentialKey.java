package dev.kafkaoauth.login.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Every input that changes a token request or its timing, and nothing else: handlers whose
 * keys are equal share one token. Extensions, claim names and Kafka's refresh settings are
 * deliberately not part of it, so clients of several clusters behind one identity-provider
 * client share a token. The secret takes part only through its digest ({@link Secret#equals}).
 */
public final class CredentialKey {

    private final String endpoint;
    private final String clientId;
    private final Secret secret;
    private final String scope;
    private final ClientAuthMethod authMethod;
    private final boolean urlencode;
    private final Map<String, String> parameters;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final long retryBackoffMs;
    private final long retryBackoffMaxMs;
    private final Duration maxTokenAge;
    private final double refreshFraction;
    private final long loginTimeoutMs;
    private final TlsOptions tls;
    private final ProxyOptions proxy;
    private final boolean jwtBearerGrant;
    private final AssertionOptions assertion;
    /** Discovery may replace the default client_secret_basic with client_secret_post. */
    private final boolean authMethodNegotiable;
    private final int hash;

    CredentialKey(String endpoint, String clientId, Secret secret, String scope,
            ClientAuthMethod authMethod, boolean urlencode, Map<String, String> parameters,
            int connectTimeoutMs, int readTimeoutMs, long retryBackoffMs, long retryBackoffMaxMs,
            Duration maxTokenAge, double refreshFraction, long loginTimeoutMs, TlsOptions tls,
            ProxyOptions proxy, boolean jwtBearerGrant, AssertionOptions assertion,
            boolean authMethodNegotiable) {
        this.endpoint = endpoint;
        this.clientId = clientId;
        this.secret = secret;
        this.scope = scope;
        this.authMethod = authMethod;
        this.urlencode = urlencode;
        this.parameters = Map.copyOf(parameters);
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
        this.retryBackoffMaxMs = retryBackoffMaxMs;
        this.maxTokenAge = maxTokenAge;
        this.refreshFraction = refreshFraction;
        this.loginTimeoutMs = loginTimeoutMs;
        this.tls = tls;
        this.proxy = proxy;
        this.jwtBearerGrant = jwtBearerGrant;
        this.assertion = assertion;
        this.authMethodNegotiable = authMethodNegotiable;
        this.hash = Objects.hash(endpoint, clientId, secret, scope, authMethod, urlencode,
                this.parameters, connectTimeoutMs, readTimeoutMs, retryBackoffMs,
                retryBackoffMaxMs, maxTokenAge, refreshFraction, loginTimeoutMs, tls, proxy,
                jwtBearerGrant, assertion, authMethodNegotiable);
    }

    /** The client id, for log lines and JMX names. */
    public String clientId() {
        return clientId;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CredentialKey)) {
            return false;
        }
        CredentialKey k = (CredentialKey) o;
        return hash == k.hash && urlencode == k.urlencode
                && connectTimeoutMs == k.connectTimeoutMs && readTimeoutMs == k.readTimeoutMs
                && retryBackoffMs == k.retryBackoffMs && retryBackoffMaxMs == k.retryBackoffMaxMs
                && endpoint.equals(k.endpoint) && Objects.equals(clientId, k.clientId)
                && Objects.equals(secret, k.secret) && Objects.equals(scope, k.scope)
                && authMethod == k.authMethod && parameters.equals(k.parameters)
                && Objects.equals(maxTokenAge, k.maxTokenAge)
                && Double.compare(refreshFraction, k.refreshFraction) == 0
                && loginTimeoutMs == k.loginTimeoutMs && Objects.equals(tls, k.tls)
                && Objects.equals(proxy, k.proxy) && jwtBearerGrant == k.jwtBearerGrant
                && Objects.equals(assertion, k.assertion)
                && authMethodNegotiable == k.authMethodNegotiable;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "CredentialKey{endpoint=" + endpoint + ", clientId=" + clientId + ", scope="
                + scope + ", secret=" + (secret == null ? "none" : secret) + ", authMethod="
                + authMethod.configName() + (jwtBearerGrant ? ", grant=jwt-bearer" : "") + "}";
    }
}
