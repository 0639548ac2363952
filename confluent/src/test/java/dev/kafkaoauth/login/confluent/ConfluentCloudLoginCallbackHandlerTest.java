package dev.kafkaoauth.login.confluent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SaslExtensionsCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfluentCloudLoginCallbackHandlerTest {

    private static Map<String, Object> jaas(String... pairs) {
        Map<String, Object> j = new HashMap<>();
        j.put("clientId", "app");
        j.put("clientSecret", "secret");
        for (int i = 0; i < pairs.length; i += 2) {
            j.put(pairs[i], pairs[i + 1]);
        }
        return j;
    }

    private static ConfluentCloudLoginCallbackHandler configure(Map<String, Object> jaas) {
        ConfluentCloudLoginCallbackHandler h = new ConfluentCloudLoginCallbackHandler();
        // The endpoint is never contacted: extensions need no token.
        h.configure(Map.of("sasl.oauthbearer.token.endpoint.url", "http://127.0.0.1:9/token"),
                "OAUTHBEARER", List.of(new AppConfigurationEntry(
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule",
                        LoginModuleControlFlag.REQUIRED, jaas)));
        return h;
    }

    private static Map<String, String> extensions(Map<String, Object> jaas) throws Exception {
        ConfluentCloudLoginCallbackHandler h = configure(jaas);
        try {
            SaslExtensionsCallback cb = new SaslExtensionsCallback();
            h.handle(new Callback[] {cb});
            return cb.extensions().map();
        } finally {
            h.close();
        }
    }

    private static String failure(Map<String, Object> jaas) {
        return assertThrows(ConfigException.class, () -> configure(jaas)).getMessage();
    }

    @Test
    void configure_clusterAndPool_sendsBothExtensions() throws Exception {
        assertEquals(Map.of("logicalCluster", "lkc-abc123", "identityPoolId", "pool-AbCd"),
                extensions(jaas("logicalCluster", "lkc-abc123", "identityPoolId",
                        "pool-AbCd")));
    }

    @Test
    void configure_extensionForms_areAccepted() throws Exception {
        assertEquals(Map.of("logicalCluster", "lkc-x1", "identityPoolId", "pool-a,pool-b",
                "other", "v"), extensions(jaas("extension_logicalCluster", "lkc-x1",
                        "extension_identityPoolId", "pool-a,pool-b", "extension_other", "v")));
    }

    @Test
    void configure_sameValueBothWays_isAccepted() throws Exception {
        assertEquals(Map.of("logicalCluster", "lkc-x1"), extensions(jaas("logicalCluster",
                "lkc-x1", "extension_logicalCluster", "lkc-x1")));
    }

    @Test
    void configure_noCluster_failsNamingTheOption() {
        String m = failure(jaas());
        assertTrue(m.contains("logicalCluster"), m);
    }

    @ParameterizedTest
    @CsvSource({"logicalCluster, lkc_abc, lkc-", "logicalCluster, abc-123, lkc-",
        "identityPoolId, pool_abc, pool-", "identityPoolId, 'pool-a, pool-b', without spaces"})
    void configure_wrongPrefix_failsNamingOptionAndValue(String name, String value,
            String expected) {
        Map<String, Object> j = jaas("logicalCluster", "lkc-ok");
        j.put(name, value);
        String m = failure(j);
        assertTrue(m.contains(name) && m.contains(value) && m.contains(expected), m);
    }

    @Test
    void configure_conflictingValues_failsNamingBoth() {
        String m = failure(jaas("logicalCluster", "lkc-a", "extension_logicalCluster", "lkc-b"));
        assertTrue(m.contains("logicalCluster (lkc-a)"), m);
        assertTrue(m.contains("extension_logicalCluster (lkc-b)"), m);
    }
}
