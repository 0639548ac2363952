package dev.kafkaoauth.login.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoginOptionsTest {

    private static final String URL = "https://idp.example.com/oauth2/token";
    private static final String SECRET = "s3cr3t-Value!";

    private static Map<String, Object> configs() {
        Map<String, Object> c = new HashMap<>();
        c.put("sasl.oauthbearer.token.endpoint.url", URL);
        return c;
    }

    private static Map<String, Object> jaas() {
        Map<String, Object> j = new HashMap<>();
        j.put("clientId", "app");
        j.put("clientSecret", SECRET);
        return j;
    }

    private static LoginOptions parse(Map<String, ?> configs, Map<String, ?> jaas) {
        return LoginOptions.parse(configs, jaas, Set.of());
    }

    private static String failure(Map<String, ?> configs, Map<String, ?> jaas) {
        String m = assertThrows(ConfigException.class, () -> parse(configs, jaas)).getMessage();
        assertFalse(m.contains(SECRET), "the message shows the secret: " + m);
        return m;
    }

    @Test
    void parse_minimalJaasOptions_appliesDefaults() {
        LoginOptions o = parse(configs(), jaas());
        assertEquals(URL, o.tokenEndpoint().toString());
        assertEquals("app", o.clientId());
        assertEquals(SECRET, o.clientSecret().reveal());
        assertNull(o.scope());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_BASIC, o.authMethod());
        assertEquals("sub", o.subClaimName());
        assertEquals("scope", o.scopeClaimName());
        assertEquals(10_000, o.connectTimeoutMs());
        assertEquals(10_000, o.readTimeoutMs());
        assertEquals(10_000, o.loginTimeoutMs());
        assertEquals(0.6, o.refreshFraction());
        assertTrue(o.sharedCache());
        assertTrue(o.urlencodeBasicCredentials());
        assertNull(o.maxTokenAge());
    }

    @Test
    void parse_clientPropertiesAndJaasOptions_propertyWins() {
        Map<String, Object> c = configs();
        c.put("sasl.oauthbearer.client.credentials.client.id", "from-property");
        c.put("sasl.oauthbearer.client.credentials.client.secret", new Password("pw-prop"));
        c.put("sasl.oauthbearer.scope", "prop-scope");
        Map<String, Object> j = jaas();
        j.put("scope", "jaas-scope");
        LoginOptions o = parse(c, j);
        assertEquals("from-property", o.clientId());
        assertEquals("pw-prop", o.clientSecret().reveal());
        assertEquals("prop-scope", o.scope());
    }

    @Test
    void parse_kafkaDefaultsAsParsedTypes_areAccepted() {
        Map<String, Object> c = configs();
        c.put("sasl.login.connect.timeout.ms", 2500);
        c.put("sasl.login.read.timeout.ms", null);
        c.put("sasl.login.retry.backoff.ms", 100L);
        c.put("sasl.login.retry.backoff.max.ms", 10000L);
        c.put("sasl.oauthbearer.sub.claim.name", "sub");
        c.put("sasl.oauthbearer.header.urlencode", false);
        LoginOptions o = parse(c, jaas());
        assertEquals(2500, o.connectTimeoutMs());
        assertEquals(10_000, o.readTimeoutMs());
        assertTrue(o.urlencodeBasicCredentials(), "Kafka's default false is not an opt-out");
    }

    @Test
    void parse_urlencodeFalseAsString_turnsEncodingOff() {
        Map<String, Object> c = configs();
        c.put("sasl.oauthbearer.header.urlencode", "false");
        assertFalse(parse(c, jaas()).urlencodeBasicCredentials());
    }

    @Test
    void parse_noEndpoint_failsNamingTheProperty() {
        String m = failure(new HashMap<>(), jaas());
        assertTrue(m.contains("sasl.oauthbearer.token.endpoint.url is not set"), m);
    }

    @ParameterizedTest
    @CsvSource({"ftp://idp/token, expected an https:, http: or file: URL",
        "'https:// bad url', expected an absolute",
        "https:/no-host, expected a URL with a host name"})
    void parse_malformedEndpoint_failsNamingTheValue(String url, String expected) {
        Map<String, Object> c = configs();
        c.put("sasl.oauthbearer.token.endpoint.url", url);
        String m = failure(c, jaas());
        assertTrue(m.contains("sasl.oauthbearer.token.endpoint.url"), m);
        assertTrue(m.contains(expected), m);
    }

    @Test
    void parse_endpointWithUserInfo_failsWithoutShowingIt() {
        Map<String, Object> c = configs();
        c.put("sasl.oauthbearer.token.endpoint.url", "https://app:" + SECRET + "@idp/token");
        String m = failure(c, jaas());
        assertTrue(m.contains("user information"), m);
    }

    @Test
    void parse_noClientId_failsNamingBothForms() {
        String m = failure(configs(), Map.of());
        assertTrue(m.contains("sasl.oauthbearer.client.credentials.client.id"), m);
        assertTrue(m.contains("clientId"), m);
    }

    @Test
    void parse_secretWithoutId_failsNamingTheMissingId() {
        String m = failure(configs(), Map.of("clientSecret", SECRET));
        assertTrue(m.contains("no client id"), m);
    }

    @Test
    void parse_idWithoutSecret_failsNamingTheSecretOptions() {
        String m = failure(configs(), Map.of("clientId", "app"));
        assertTrue(m.contains("No client secret"), m);
        assertTrue(m.contains("clientSecret"), m);
    }

    @ParameterizedTest
    @CsvSource({"extension_bad-name, v, invalid SASL extension",
        "extension_auth, v, may not be 'auth'",
        "extension_ok, '', invalid value"})
    void parse_invalidExtension_failsNamingTheOption(String name, String value, String expect) {
        Map<String, Object> j = jaas();
        j.put(name, value);
        String m = failure(configs(), j);
        assertTrue(m.contains(name), m);
        assertTrue(m.contains(expect), m);
    }

    @Test
    void parse_extensionValueWithControlCharacter_fails() {
        Map<String, Object> j = jaas();
        j.put("extension_tenant", "a\u0001b");
        assertTrue(failure(configs(), j).contains("extension_tenant has an invalid value"));
    }

    @Test
    void parse_validExtensionsAndParams_areKept() {
        Map<String, Object> j = jaas();
        j.put("extension_logicalCluster", "lkc-1");
        j.put("param_audience", "https://api");
        LoginOptions o = parse(configs(), j);
        assertEquals(Map.of("logicalCluster", "lkc-1"), o.extensions());
        assertEquals(Map.of("audience", "https://api"), o.requestParameters());
    }

    @Test
    void parse_paramThatTheHandlerSets_fails() {
        Map<String, Object> j = jaas();
        j.put("param_client_secret", "x");
        assertTrue(failure(configs(), j).contains("param_client_secret is not allowed"));
    }

    @ParameterizedTest
    @CsvSource({"sasl.login.connect.timeout.ms, -1", "sasl.login.read.timeout.ms, abc",
        "sasl.login.retry.backoff.ms, -5"})
    void parse_badTimeout_failsNamingTheProperty(String name, String value) {
        Map<String, Object> c = configs();
        c.put(name, value);
        String m = failure(c, jaas());
        assertTrue(m.contains(name) && m.contains(value), m);
    }

    @ParameterizedTest
    @CsvSource({"loginTimeoutMs, -1", "refreshFraction, 0.95", "refreshFraction, x",
        "maxTokenAgeSeconds, soon", "tokenCache, global", "clientAuthMethod, private_key"})
    void parse_badJaasOption_failsNamingTheOption(String name, String value) {
        Map<String, Object> j = jaas();
        j.put(name, value);
        String m = failure(configs(), j);
        assertTrue(m.contains(name), m);
    }

    @Test
    void parse_cacheOptions_areRead() {
        Map<String, Object> j = jaas();
        j.put("refreshFraction", "0.5");
        j.put("maxTokenAgeSeconds", "900");
        j.put("tokenCache", "private");
        j.put("loginTimeoutMs", "3000");
        j.put("clientAuthMethod", "client_secret_post");
        LoginOptions o = parse(configs(), j);
        assertEquals(0.5, o.refreshFraction());
        assertEquals(Duration.ofSeconds(900), o.maxTokenAge());
        assertFalse(o.sharedCache());
        assertEquals(3000, o.loginTimeoutMs());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_POST, o.authMethod());
    }

    @Test
    void parse_unknownJaasOption_isReportedAsIgnored() {
        Map<String, Object> j = jaas();
        j.put("clientSecrte", "typo");
        assertEquals(Set.of("clientSecrte"), parse(configs(), j).ignoredJaasOptions());
    }

    @Test
    void parse_endpointNotInKafkaAllowList_fails() {
        String previous = System.getProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls");
        System.setProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls",
                "https://other/token");
        try {
            String m = failure(configs(), jaas());
            assertTrue(m.contains("org.apache.kafka.sasl.oauthbearer.allowed.urls"), m);
            System.setProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls",
                    "https://other/token, " + URL);
            assertEquals(URL, parse(configs(), jaas()).tokenEndpoint().toString());
        } finally {
            if (previous == null) {
                System.clearProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls");
            } else {
                System.setProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls", previous);
            }
        }
    }

    @Test
    void toString_neverShowsTheSecret() {
        LoginOptions o = parse(configs(), jaas());
        assertFalse(o.toString().contains(SECRET));
        assertFalse(o.credentialKey().toString().contains(SECRET));
        assertTrue(o.toString().contains("[hidden]"));
    }

    @Test
    void credentialKey_differsOnlyByRequestInputs() {
        Map<String, Object> j1 = jaas();
        j1.put("extension_logicalCluster", "lkc-a");
        Map<String, Object> j2 = jaas();
        j2.put("extension_logicalCluster", "lkc-b");
        Map<String, Object> c2 = configs();
        c2.put("sasl.oauthbearer.sub.claim.name", "azp");
        assertEquals(parse(configs(), j1).credentialKey(), parse(c2, j2).credentialKey());
        Map<String, Object> other = jaas();
        other.put("clientSecret", "another");
        assertNotEquals(parse(configs(), jaas()).credentialKey(),
                parse(configs(), other).credentialKey());
        Map<String, Object> scoped = jaas();
        scoped.put("scope", "kafka");
        assertNotEquals(parse(configs(), jaas()).credentialKey(),
                parse(configs(), scoped).credentialKey());
    }
}
