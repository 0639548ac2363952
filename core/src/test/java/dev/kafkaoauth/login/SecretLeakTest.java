package dev.kafkaoauth.login;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import dev.kafkaoauth.login.internal.TestPki;
import dev.kafkaoauth.login.internal.TestTlsServer;
import dev.kafkaoauth.login.testkit.LogCapture;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import javax.security.auth.callback.Callback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SaslExtensionsCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.junit.jupiter.api.Test;

/**
 * Runs the handler through success, OAuth errors, server errors, malformed answers and bad
 * configuration with its loggers at TRACE, capturing the log output, every exception message
 * and stack trace and every {@code toString}: neither the secret nor an issued token shows up.
 * Surefire runs this class in its own JVM with {@code dev.kafkaoauth} at TRACE
 * ({@link LogCapture}).
 */
class SecretLeakTest {

    private static final String SECRET = "Leak-Canary+Secret/42:%";
    private static final String OPAQUE = "opaque-canary-token-9f8e7d";
    private static final String PROXY_SECRET = "Proxy-Canary-Pw7";
    private static final List<String> SECRETS = List.of(SECRET, PROXY_SECRET,
            TestPki.STORE_PASSWORD, TestPki.KEY_PASSWORD);

    private final List<String> seen = new ArrayList<>();

    private static OAuthLoginCallbackHandler configure(String url, String... jaasPairs) {
        Map<String, Object> jaas = new HashMap<>();
        jaas.put("clientId", "leak-app");
        jaas.put("clientSecret", SECRET);
        jaas.put("tokenCache", "private");
        jaas.put("loginTimeoutMs", "1500");
        for (int i = 0; i < jaasPairs.length; i += 2) {
            jaas.put(jaasPairs[i], jaasPairs[i + 1]);
        }
        OAuthLoginCallbackHandler h = new OAuthLoginCallbackHandler();
        h.configure(Map.of("sasl.oauthbearer.token.endpoint.url", url,
                "sasl.login.retry.backoff.ms", "10", "sasl.login.retry.backoff.max.ms", "20"),
                "OAUTHBEARER", List.of(new AppConfigurationEntry(
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule",
                        LoginModuleControlFlag.REQUIRED, jaas)));
        return h;
    }

    private OAuthBearerTokenCallback login(OAuthLoginCallbackHandler h) throws Exception {
        OAuthBearerTokenCallback cb = new OAuthBearerTokenCallback();
        SaslExtensionsCallback ext = new SaslExtensionsCallback();
        h.handle(new Callback[] {cb, ext});
        seen.add(h.toString());
        seen.add(String.valueOf(cb.token()));
        seen.add(String.valueOf(cb.errorDescription()));
        seen.add(String.valueOf(ext.extensions().map()));
        return cb;
    }

    private void record(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        seen.add(w.toString());
    }

    @Test
    void handler_everyPathAtTrace_neverShowsSecretOrToken() throws Exception {
        List<String> issued = new ArrayList<>();
        String julLogs;
        String jdkHttpLogs;
        String logs;
        try (LogCapture capture = LogCapture.open()) {
            java.util.logging.Logger.getLogger("dev.kafkaoauth.leak.probe")
                    .log(Level.FINEST, "jul probe", new IllegalStateException("jul cause"));
            System.getLogger("dev.kafkaoauth.leak.probe").log(System.Logger.Level.TRACE,
                    "system logger probe {0}", "arg");
            exercise(issued);
            julLogs = capture.jul();
            jdkHttpLogs = capture.jdkHttp();
            logs = capture.printed();
        }
        assertTrue(julLogs.contains("jul probe") && julLogs.contains("jul cause"),
                "JUL records and their stack traces are captured");
        assertTrue(julLogs.contains("system logger probe arg"),
                "System.Logger records are captured");
        assertTrue(jdkHttpLogs.contains("Authorization: Basic " + basic(true)),
                "the JDK's header log no longer shows the Basic credential: scan it with the"
                        + " rest");
        seen.add(julLogs);
        assertTrue(logs.contains("Fetched a token for client leak-app"), "INFO is captured");
        assertTrue(logs.contains("DEBUG"), "DEBUG is captured");
        seen.add(logs);
        issued.add(OPAQUE);
        List<String> secrets = new ArrayList<>(SECRETS);
        secrets.add(basic(true));
        secrets.add(basic(false));
        for (String text : seen) {
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a secret or password leaked: " + text);
            }
            for (String token : issued) {
                assertFalse(text.contains(token), "a token leaked");
                assertFalse(text.contains(token.substring(token.lastIndexOf('.') + 1)),
                        "a token signature leaked");
            }
        }
    }

    /** The Basic credential of the test client, with or without form-encoding (RFC 6749). */
    private static String basic(boolean formEncoded) {
        String secret = formEncoded ? URLEncoder.encode(SECRET, StandardCharsets.UTF_8) : SECRET;
        return Base64.getEncoder().encodeToString(("leak-app:" + secret)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Trust and key store passwords, mutual TLS, and a proxy with a password. */
    private void exerciseTlsAndProxy(List<String> issued) throws Exception {
        TestPki pki = new TestPki(Files.createTempDirectory("leak-pki"));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (TestTlsServer tls = new TestTlsServer(pki.serverContext, true)) {
            String[] stores = {"ssl.truststore.location", pki.trustP12.toString(),
                "ssl.truststore.type", "PKCS12", "ssl.truststore.password", TestPki.STORE_PASSWORD,
                "ssl.keystore.location", pki.clientP12.toString(), "ssl.keystore.type", "PKCS12",
                "ssl.keystore.password", TestPki.STORE_PASSWORD,
                "ssl.key.password", TestPki.KEY_PASSWORD};
            // A first TLS handshake on a busy machine can take longer than 1.5 s.
            String[] patient = Arrays.copyOf(stores, stores.length + 2);
            patient[stores.length] = "loginTimeoutMs";
            patient[stores.length + 1] = "10000";
            OAuthLoginCallbackHandler ok = configure(tls.url(), patient);
            OAuthBearerTokenCallback cb = login(ok);
            assertNotNull(cb.token(), cb.errorDescription());
            issued.add(cb.token().value());
            ok.close();

            String[] proxied = Arrays.copyOf(stores, stores.length + 4);
            proxied[stores.length] = "proxyUrl";
            proxied[stores.length + 1] = "http://leak:" + PROXY_SECRET + "@127.0.0.1:"
                    + closedPort;
            proxied[stores.length + 2] = "loginTimeoutMs";
            proxied[stores.length + 3] = "100";
            OAuthLoginCallbackHandler viaProxy = configure(tls.url(), proxied);
            assertNull(login(viaProxy).token());
            viaProxy.close();

            for (String option : List.of("ssl.truststore.password", "ssl.keystore.password",
                    "ssl.key.password")) {
                String[] wrong = stores.clone();
                for (int i = 0; i < wrong.length; i += 2) {
                    if (wrong[i].equals(option)) {
                        wrong[i + 1] = "wrong-" + wrong[i + 1];
                    }
                }
                try {
                    configure(tls.url(), wrong);
                } catch (ConfigException e) {
                    record(e);
                }
            }
            try {
                configure(tls.url(), "proxyUrl", "ftp://leak:" + PROXY_SECRET + "@h:1");
            } catch (ConfigException e) {
                record(e);
            }
        }
    }

    private void exercise(List<String> issued) throws Exception {
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        WireMockServer stub = new WireMockServer(options().bindAddress("127.0.0.1")
                .dynamicPort());
        stub.start();
        try {
            OAuthLoginCallbackHandler ok = configure(idp.tokenEndpointUrl("leak").toString(),
                    "extension_tenant", "t1", "loginTimeoutMs", "10000");
            OAuthBearerTokenCallback cb = login(ok);
            assertNotNull(cb.token());
            issued.add(cb.token().value());
            ok.close();

            String stubUrl = "http://127.0.0.1:" + stub.port() + "/token";
            String[] bodies = {
                "{\"error\":\"invalid_client\",\"error_description\":\"bad secret\"}",
                "<html>" + SECRET + "</html>",
                "{\"access_token\":\"" + OPAQUE + "\",\"token_type\":\"Bearer\"}",
                "{\"access_token\":\"" + OPAQUE + "\",\"token_type\":\"mac\","
                        + "\"expires_in\":60}"};
            int[] statuses = {401, 503, 200, 200};
            for (int i = 0; i < bodies.length; i++) {
                stub.resetAll();
                stub.stubFor(post(urlEqualTo("/token")).willReturn(aResponse()
                        .withStatus(statuses[i]).withBody(bodies[i])));
                OAuthLoginCallbackHandler failing = configure(stubUrl,
                        "clientAuthMethod", i % 2 == 0 ? "client_secret_post" : "");
                OAuthBearerTokenCallback failed = login(failing);
                assertNull(failed.token());
                assertNotNull(failed.errorDescription());
                failing.close();
            }
            try {
                configure("https://leak-app:" + SECRET + "@idp.example/token");
            } catch (ConfigException e) {
                record(e);
            }
            exerciseTlsAndProxy(issued);
        } finally {
            stub.stop();
            idp.shutdown();
        }
    }
}
