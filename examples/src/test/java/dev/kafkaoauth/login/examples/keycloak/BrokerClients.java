package dev.kafkaoauth.login.examples.keycloak;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.examples.EmbeddedKafkaBroker;
import java.util.LinkedHashMap;
import java.util.Map;

/** Client settings shared by the Keycloak end-to-end tests. */
final class BrokerClients {

    static final String MODULE =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

    private BrokerClients() {
    }

    /** A client of the broker's OAUTH listener that logs in with our handler. */
    static Map<String, String> oauthListener(EmbeddedKafkaBroker broker) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH));
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "OAUTHBEARER");
        config.put("sasl.login.callback.handler.class",
                OAuthLoginCallbackHandler.class.getName());
        return config;
    }
}
