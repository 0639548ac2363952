package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ID_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_SECRET_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.TOKEN_ENDPOINT_URL;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Login options for tests; the endpoint is never contacted. */
final class TestOptions {

    static final String ENDPOINT = "https://idp.example.invalid/oauth2/token";

    private TestOptions() {
    }

    static Map<String, Object> configs() {
        Map<String, Object> c = new HashMap<>();
        c.put(TOKEN_ENDPOINT_URL, ENDPOINT);
        c.put(CLIENT_ID_PROPERTY, "client-a");
        c.put(CLIENT_SECRET_PROPERTY, "secret-a");
        return c;
    }

    static LoginOptions parse(Map<String, ?> configs, Map<String, ?> jaas) {
        return LoginOptions.parse(configs, jaas, Set.of());
    }

    static LoginOptions defaults() {
        return parse(configs(), Map.of());
    }
}
