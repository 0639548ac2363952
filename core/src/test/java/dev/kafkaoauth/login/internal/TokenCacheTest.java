package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ID_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_SECRET_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.SCOPE_CLAIM_NAME;
import static dev.kafkaoauth.login.OAuthLoginConfig.SCOPE_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.SUB_CLAIM_NAME;
import static dev.kafkaoauth.login.OAuthLoginConfig.TOKEN_ENDPOINT_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenCacheTest {

    private static final long TIMEOUT_MS = 5_000;

    private final FakeTime time = new FakeTime();
    private final ManualWorkers workers = new ManualWorkers(time);
    private final FakeFetcher fetcher = new FakeFetcher(time);
    private final TokenCache cache = new TokenCache(time, time.clock(), workers, () -> 0.0);
    private int fetchersMade;

    private TokenSource acquire(LoginOptions options) {
        return cache.acquire(options, () -> {
            fetchersMade++;
            return fetcher;
        });
    }

    private static LoginOptions with(Consumer<Map<String, Object>> configs,
            Map<String, ?> jaas) {
        Map<String, Object> c = TestOptions.configs();
        configs.accept(c);
        return TestOptions.parse(c, jaas);
    }

    @Test
    void acquire_optionsDifferingOnlyInExtensionsAndClaimNames_shareOneSource() {
        LoginOptions a = with(c -> { }, Map.of("extension_logicalCluster", "lkc-1"));
        LoginOptions b = with(c -> {
            c.put(SUB_CLAIM_NAME, "client_id");
            c.put(SCOPE_CLAIM_NAME, "scp");
        }, Map.of("extension_logicalCluster", "lkc-2", "extension_identityPoolId", "pool-9"));

        TokenSource sa = acquire(a);
        TokenSource sb = acquire(b);

        assertSame(sa, sb);
        assertEquals(1, fetchersMade);
        assertEquals(1, cache.size());
        sa.get(TIMEOUT_MS);
        sb.get(TIMEOUT_MS);
        assertEquals(1, fetcher.calls());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"secret", "scope", "clientId", "endpoint"})
    void acquire_optionsDifferingInARequestInput_getSeparateSources(String what) {
        LoginOptions base = TestOptions.defaults();
        LoginOptions other = with(c -> {
            switch (what) {
                case "secret" -> c.put(CLIENT_SECRET_PROPERTY, "secret-b");
                case "scope" -> c.put(SCOPE_PROPERTY, "kafka");
                case "clientId" -> c.put(CLIENT_ID_PROPERTY, "client-b");
                default -> c.put(TOKEN_ENDPOINT_URL, "https://other.example.invalid/token");
            }
        }, Map.of());

        assertNotSame(acquire(base), acquire(other));
        assertEquals(2, fetchersMade);
        assertEquals(2, cache.size());
    }

    @Test
    void acquire_firstAndLastHandler_startAndStopTheWorkers() {
        assertFalse(workers.running());
        TokenSource a = acquire(TestOptions.defaults());
        assertTrue(workers.running());
        TokenSource b = acquire(with(c -> c.put(CLIENT_ID_PROPERTY, "client-b"), Map.of()));
        assertEquals(1, workers.starts());

        cache.release(a);
        assertTrue(workers.running());
        cache.release(b);

        assertFalse(workers.running());
        assertEquals(1, workers.stops());
        acquire(TestOptions.defaults());
        assertEquals(2, workers.starts());
    }

    @Test
    void release_lastHolder_sourceSurvivesUntilItsTokenExpires() {
        LoginOptions options = TestOptions.defaults();
        TokenSource first = acquire(options);
        first.get(TIMEOUT_MS);
        cache.release(first);

        time.advance(Duration.ofSeconds(3599));
        assertSame(first, cache.find(options.credentialKey()));
        TokenSource again = acquire(options);
        assertSame(first, again);
        cache.release(again);

        time.advance(Duration.ofSeconds(1));
        assertNull(cache.find(options.credentialKey()));
        assertEquals(0, cache.size());
        TokenSource fresh = acquire(options);
        assertNotSame(first, fresh);
        fresh.get(TIMEOUT_MS);
        assertEquals(2, fetcher.calls());
        assertEquals(2, fetchersMade);
    }

    @Test
    void release_sourceNeverGotAToken_isDroppedAtOnce() {
        LoginOptions options = TestOptions.defaults();
        TokenSource s = acquire(options);

        cache.release(s);
        time.advance(Duration.ofNanos(1));

        assertNull(cache.find(options.credentialKey()));
        time.advance(Duration.ofSeconds(2)); // Caffeine's timer wheel ticks about every 1.07 s
        assertEquals(0, cache.size());
    }

    @Test
    void acquire_clientsCreatedAndClosedHundredTimesWithinALifetime_fetchOnce() {
        LoginOptions options = TestOptions.defaults();
        for (int i = 0; i < 100; i++) {
            TokenSource s = acquire(options);
            s.get(TIMEOUT_MS);
            cache.release(s);
            workers.advance(Duration.ofSeconds(30));
        }

        assertEquals(1, fetcher.calls());
        assertEquals(100, workers.starts());
        assertEquals(100, workers.stops());
    }

    @Test
    void release_heldByAnother_keepsRefreshing() {
        LoginOptions options = TestOptions.defaults();
        TokenSource a = acquire(options);
        TokenSource b = acquire(options);
        a.get(TIMEOUT_MS);

        cache.release(a);
        workers.advance(Duration.ofSeconds(2160));

        assertEquals(2, fetcher.calls());
        assertSame(b, cache.find(options.credentialKey()));
    }
}
