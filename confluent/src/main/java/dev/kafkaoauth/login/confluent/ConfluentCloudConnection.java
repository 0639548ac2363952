package dev.kafkaoauth.login.confluent;

import dev.kafkaoauth.login.OAuthConnection;

/**
 * {@link OAuthConnection} for Confluent Cloud: the same fields plus the cluster id
 * ({@code logicalCluster}, required) and identity pool id ({@code identityPoolId}), validated
 * by {@link ConfluentCloudLoginCallbackHandler}'s own rules; the properties name that handler.
 *
 * <pre>{@code
 * OAuthConnection connection = ConfluentCloudConnection.builder()
 *         .tokenEndpointUrl(url).clientId(id).clientSecret(secret).scope(scope)
 *         .logicalCluster("lkc-abc123").identityPoolId("pool-AbCd")
 *         .build();
 * }</pre>
 */
public final class ConfluentCloudConnection {

    private ConfluentCloudConnection() {
    }

    /** A builder whose connection uses {@link ConfluentCloudLoginCallbackHandler}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The fields of {@link OAuthConnection.Builder} plus the Confluent Cloud ones. */
    public static final class Builder extends OAuthConnection.Builder {

        private Builder() {
            super(ConfluentCloudLoginCallbackHandler.class.getName());
            placeholder(ConfluentCloudLoginCallbackHandler.LOGICAL_CLUSTER, "lkc-placeholder");
        }

        /** The cluster id, {@code lkc-...}. Required. */
        public Builder logicalCluster(String clusterId) {
            shownJaasOption(ConfluentCloudLoginCallbackHandler.LOGICAL_CLUSTER, clusterId);
            return this;
        }

        /** One identity pool id ({@code pool-...}), or several separated by commas. */
        public Builder identityPoolId(String poolId) {
            shownJaasOption(ConfluentCloudLoginCallbackHandler.IDENTITY_POOL_ID, poolId);
            return this;
        }

        @Override
        public Builder tokenEndpointUrl(String url) {
            super.tokenEndpointUrl(url);
            return this;
        }

        @Override
        public Builder clientId(String clientId) {
            super.clientId(clientId);
            return this;
        }

        @Override
        public Builder clientSecret(String clientSecret) {
            super.clientSecret(clientSecret);
            return this;
        }

        @Override
        public Builder scope(String scope) {
            super.scope(scope);
            return this;
        }

        @Override
        public Builder clientAuthMethod(String method) {
            super.clientAuthMethod(method);
            return this;
        }

        @Override
        public Builder extension(String name, String value) {
            super.extension(name, value);
            return this;
        }

        @Override
        public Builder requestParameter(String name, String value) {
            super.requestParameter(name, value);
            return this;
        }

        @Override
        public Builder loginTimeoutMs(long ms) {
            super.loginTimeoutMs(ms);
            return this;
        }

        @Override
        public Builder connectTimeoutMs(long ms) {
            super.connectTimeoutMs(ms);
            return this;
        }

        @Override
        public Builder readTimeoutMs(long ms) {
            super.readTimeoutMs(ms);
            return this;
        }

        @Override
        public Builder refreshFraction(double fraction) {
            super.refreshFraction(fraction);
            return this;
        }

        @Override
        public Builder maxTokenAgeSeconds(long seconds) {
            super.maxTokenAgeSeconds(seconds);
            return this;
        }

        @Override
        public Builder jaasOption(String name, String value) {
            super.jaasOption(name, value);
            return this;
        }

        @Override
        public Builder property(String name, String value) {
            super.property(name, value);
            return this;
        }
    }
}
