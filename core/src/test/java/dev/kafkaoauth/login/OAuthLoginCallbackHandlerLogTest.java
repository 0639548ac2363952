package dev.kafkaoauth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.testkit.LogCapture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The warnings configure() logs about risky settings (at TRACE, LogCapture). No endpoint is
 * contacted. Client ids are new in each run: the handler remembers the credential sets it has
 * warned about for the life of the JVM.
 */
class OAuthLoginCallbackHandlerLogTest {

    private final List<OAuthLoginCallbackHandler> handlers = new ArrayList<>();

    @AfterEach
    void close() {
        handlers.forEach(OAuthLoginCallbackHandler::close);
    }

    private void configure(String url, String clientId, String... jaasPairs) {
        Map<String, Object> jaas = new HashMap<>();
        jaas.put("clientId", clientId);
        jaas.put("clientSecret", "log-secret");
        jaas.put("tokenCache", "private");
        for (int i = 0; i < jaasPairs.length; i += 2) {
            jaas.put(jaasPairs[i], jaasPairs[i + 1]);
        }
        OAuthLoginCallbackHandler h = new OAuthLoginCallbackHandler();
        handlers.add(h);
        h.configure(Map.of(OAuthLoginConfig.TOKEN_ENDPOINT_URL, url),
                OAuthBearerLoginModule.OAUTHBEARER_MECHANISM, List.of(new AppConfigurationEntry(
                        OAuthBearerLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, jaas)));
    }

    /** WARN lines of the handler that contain the words, while two sets configure thrice. */
    private List<String> warningsOfTwoCredentialSets(String url, String words,
            String... jaasPairs) {
        String first = "log-" + UUID.randomUUID();
        String second = "log-" + UUID.randomUUID();
        try (LogCapture logs = LogCapture.open()) {
            configure(url, first, jaasPairs);
            configure(url, first, jaasPairs);
            configure(url, second, jaasPairs);
            List<String> warnings = new ArrayList<>();
            for (String line : logs.lines("WARN", OAuthLoginCallbackHandler.class)) {
                if (line.contains(words)) {
                    warnings.add(line);
                }
            }
            assertEquals(2, warnings.size(), () -> "one warning per credential set: "
                    + warnings);
            assertTrue(warnings.get(0).contains("client " + first), warnings.get(0));
            assertTrue(warnings.get(1).contains("client " + second), warnings.get(1));
            return warnings;
        }
    }

    @Test
    void configure_plainHttpToAnotherHost_warnsOncePerCredentialSet() {
        List<String> w = warningsOfTwoCredentialSets("http://idp.example.invalid/token",
                "is plain http to");
        assertTrue(w.get(0).contains("plain http to idp.example.invalid"), w.get(0));
        assertTrue(w.get(0).contains("Use https"), w.get(0));
    }

    @Test
    void configure_plainHttpToLoopback_doesNotWarn() {
        try (LogCapture logs = LogCapture.open()) {
            configure("http://127.0.0.1:9/token", "log-" + UUID.randomUUID());
            configure("http://localhost:9/token", "log-" + UUID.randomUUID());
            assertFalse(logs.printed().contains("plain http"), logs.printed());
        }
    }

    @Test
    void configure_hostNameVerificationOff_warnsOncePerCredentialSet() {
        List<String> w = warningsOfTwoCredentialSets("https://idp.example.invalid/token",
                "Host name verification", "ssl.endpoint.identification.algorithm", "");
        assertTrue(w.get(0).contains("identity provider idp.example.invalid"), w.get(0));
        assertTrue(w.get(0).contains("Use this only for tests"), w.get(0));
    }

    @Test
    void configure_secretWithSurroundingWhiteSpace_warnsWithoutShowingIt() {
        String secret = " ws-Canary-Secret-91\t";
        String clientId = "log-" + UUID.randomUUID();
        List<String> warnings;
        String all;
        try (LogCapture logs = LogCapture.open()) {
            configure("https://idp.example.invalid/token", clientId, "clientSecret", secret);
            warnings = logs.lines("WARN", OAuthLoginCallbackHandler.class);
            all = logs.all();
        }

        assertEquals(1, warnings.size(), () -> "WARN lines: " + warnings);
        assertTrue(warnings.get(0).contains("The client secret of client " + clientId
                + " starts or ends with white space"), warnings.get(0));
        assertFalse(all.contains(secret.trim()), all);
        assertFalse(all.contains("ws-Canary"), all);
    }
}
