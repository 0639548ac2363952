package dev.kafkaoauth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kafkaoauth.login.internal.AccessToken;
import dev.kafkaoauth.login.internal.LoginOptions;
import dev.kafkaoauth.login.internal.TokenCache;
import dev.kafkaoauth.login.internal.TokenFetcher;
import dev.kafkaoauth.login.internal.TokenSource;
import dev.kafkaoauth.login.internal.Workers;
import dev.kafkaoauth.login.testkit.IsolatedLogin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.callback.Callback;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.SaslExtensionsCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OAuthLoginCallbackHandlerTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Map<String, Object> CONFIGS = Map.of(
            OAuthLoginConfig.TOKEN_ENDPOINT_URL, "https://idp.example.invalid/oauth2/token",
            OAuthLoginConfig.CLIENT_ID_PROPERTY, "client-a",
            OAuthLoginConfig.CLIENT_SECRET_PROPERTY, "secret-a");
    private static final Map<String, String> JAAS = Map.of("extension_logicalCluster", "lkc-1");

    private final AtomicInteger fetches = new AtomicInteger();
    private final TokenCache cache = new TokenCache(() -> 0L, Clock.fixed(NOW, ZoneOffset.UTC),
            new SameThreadWorkers(), () -> 0.0);
    private final TokenSource prefilled;
    private final OAuthLoginCallbackHandler handler = new OAuthLoginCallbackHandler(cache);

    OAuthLoginCallbackHandlerTest() {
        // Pre-fill the cache for the handler's credential key: its endpoint is never contacted.
        prefilled = cache.acquire(LoginOptions.parse(CONFIGS, JAAS, Set.of()),
                () -> new TokenFetcher() {
                    @Override
                    public AccessToken fetch() {
                        fetches.incrementAndGet();
                        return new AccessToken("token-value", NOW, NOW.plusSeconds(3600),
                                Map.of("sub", "svc-a", "scope", "kafka read"), true, "client-a");
                    }

                    @Override
                    public String describe() {
                        return "fake";
                    }
                });
        prefilled.get(1_000);
        handler.configure(CONFIGS, OAuthBearerLoginModule.OAUTHBEARER_MECHANISM,
                List.of(new AppConfigurationEntry(OAuthBearerLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, JAAS)));
    }

    @AfterEach
    void close() {
        handler.close();
        cache.release(prefilled);
    }

    @Test
    void handle_twice_returnsNewTokenAndExtensionsObjectsEachTime() throws Exception {
        OAuthBearerTokenCallback t1 = new OAuthBearerTokenCallback();
        SaslExtensionsCallback x1 = new SaslExtensionsCallback();
        OAuthBearerTokenCallback t2 = new OAuthBearerTokenCallback();
        SaslExtensionsCallback x2 = new SaslExtensionsCallback();

        handler.handle(new Callback[] {t1, x1});
        handler.handle(new Callback[] {t2, x2});

        assertNotNull(t1.token());
        assertNotSame(t1.token(), t2.token());
        assertNotSame(x1.extensions(), x2.extensions());
        assertEquals(x1.extensions().map(), x2.extensions().map());
        assertEquals(Map.of("logicalCluster", "lkc-1"), x1.extensions().map());
        assertEquals(t1.token().value(), t2.token().value());
        assertEquals(1, fetches.get(), "served from the pre-filled cache");
    }

    @Test
    void handle_cachedToken_mapsPrincipalScopesAndTimes() throws Exception {
        OAuthBearerTokenCallback cb = new OAuthBearerTokenCallback();

        handler.handle(new Callback[] {cb});

        assertEquals("token-value", cb.token().value());
        assertEquals("svc-a", cb.token().principalName());
        assertEquals(Set.of("kafka", "read"), cb.token().scope());
        assertEquals(NOW.plusSeconds(3600).toEpochMilli(), cb.token().lifetimeMs());
        assertEquals(NOW.toEpochMilli(), cb.token().startTimeMs());
        assertSame(prefilled, cache.find(LoginOptions.parse(CONFIGS, JAAS, Set.of())
                .credentialKey()));
    }

    @Test
    void handle_tokenCachePrivate_eachHandlerFetchesItsOwnToken(@TempDir Path dir)
            throws Exception {
        assertEquals(List.of("first", "second"), subjectsOfTwoHandlers(dir, "private"));
    }

    @Test
    void handle_tokenCacheShared_secondHandlerReusesTheFirstToken(@TempDir Path dir)
            throws Exception {
        assertEquals(List.of("first", "first"), subjectsOfTwoHandlers(dir, "shared"));
    }

    /**
     * Two handlers of one credential set log in from a {@code file:} endpoint (a client id of
     * this run only), the token file changing between their logins: the second one sees the
     * new token only when it does not share the first one's.
     */
    private static List<String> subjectsOfTwoHandlers(Path dir, String tokenCache)
            throws Exception {
        Path endpoint = dir.resolve("token.jwt");
        Files.copy(IsolatedLogin.writeTokenFile(dir, "first", 3600), endpoint);
        Map<String, Object> configs = Map.of(OAuthLoginConfig.TOKEN_ENDPOINT_URL,
                endpoint.toUri().toString());
        List<AppConfigurationEntry> jaas = List.of(new AppConfigurationEntry(
                OAuthBearerLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of("clientId", "cache-" + UUID.randomUUID(), "tokenCache", tokenCache)));
        List<String> subjects = new ArrayList<>();
        OAuthLoginCallbackHandler first = new OAuthLoginCallbackHandler();
        OAuthLoginCallbackHandler second = new OAuthLoginCallbackHandler();
        try {
            first.configure(configs, OAuthBearerLoginModule.OAUTHBEARER_MECHANISM, jaas);
            subjects.add(login(first));
            Files.copy(IsolatedLogin.writeTokenFile(dir, "second", 3600), endpoint,
                    StandardCopyOption.REPLACE_EXISTING);
            second.configure(configs, OAuthBearerLoginModule.OAUTHBEARER_MECHANISM, jaas);
            subjects.add(login(second));
        } finally {
            first.close();
            second.close();
        }
        return subjects;
    }

    private static String login(OAuthLoginCallbackHandler h) throws Exception {
        OAuthBearerTokenCallback cb = new OAuthBearerTokenCallback();
        h.handle(new Callback[] {cb});
        assertNotNull(cb.token(), cb.errorDescription());
        return cb.token().principalName();
    }

    /** Fetches on the calling thread; never schedules (time does not move here). */
    private static final class SameThreadWorkers implements Workers {
        @Override
        public Executor fetchExecutor() {
            return Runnable::run;
        }

        @Override
        public Future<?> schedule(Runnable task, long delayNanos) {
            return null;
        }

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }
    }

}
