package dev.kafkaoauth.login.examples;

import java.util.Map;

/**
 * The embedded OAuth server and broker that the check command's tests run against: tokens
 * with audience and scope {@code kafka}, the broker expecting that audience.
 */
record CheckServers(EmbeddedOAuthServer idp, EmbeddedKafkaBroker broker)
        implements AutoCloseable {

    static CheckServers start() throws Exception {
        EmbeddedOAuthServer idp = EmbeddedOAuthServer.start();
        try {
            idp.audience(Demo.AUDIENCE).claims(Map.of("scope", Demo.AUDIENCE));
            return new CheckServers(idp, EmbeddedKafkaBroker.builder().oauthServer(idp)
                    .expectedAudience(Demo.AUDIENCE).start());
        } catch (Exception | Error e) {
            idp.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            broker.close();
        } finally {
            idp.close();
        }
    }
}
