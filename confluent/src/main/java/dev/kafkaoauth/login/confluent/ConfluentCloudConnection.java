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
    public static final class Builder extends OAuthConnection.AbstractBuilder<Builder> {

        private Builder() {
            super(ConfluentCloudLoginCallbackHandler.class.getName());
            placeholder(ConfluentCloudLoginCallbackHandler.LOGICAL_CLUSTER, "lkc-placeholder");
        }

        /** The cluster id, {@code lkc-...}. Required. */
        public Builder logicalCluster(String clusterId) {
            return shownJaasOption(ConfluentCloudLoginCallbackHandler.LOGICAL_CLUSTER, clusterId);
        }

        /** One identity pool id ({@code pool-...}), or several separated by commas. */
        public Builder identityPoolId(String poolId) {
            return shownJaasOption(ConfluentCloudLoginCallbackHandler.IDENTITY_POOL_ID, poolId);
        }
    }
}
