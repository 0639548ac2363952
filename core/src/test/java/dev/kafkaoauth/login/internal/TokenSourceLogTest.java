package dev.kafkaoauth.login.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.testkit.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What TokenSource logs about fetched, refreshed and lost tokens (at TRACE, LogCapture). */
class TokenSourceLogTest {

    private static final long TIMEOUT_MS = 5_000;
    /** Refresh point of a one-hour token with the default fraction and random 0. */
    private static final Duration STALE_AT = Duration.ofSeconds(2160);

    private final FakeTime time = new FakeTime();
    private final ManualWorkers workers = new ManualWorkers(time);
    private final FakeFetcher fetcher = new FakeFetcher(time);

    private TokenSource heldSource() {
        TokenSource s = new TokenSource(TestOptions.defaults().credentialKey(), fetcher,
                new RefreshPolicy(0.6), null, 100, 1_000, time, time.clock(), workers,
                () -> 0.0);
        s.retain();
        return s;
    }

    private AccessToken canary(String value, Duration lifetime) {
        Instant now = time.now();
        return new AccessToken(value, now, now.plus(lifetime), Map.of("sub", "svc-log"), true,
                "client");
    }

    @Test
    void get_tokenFetchedThenRefreshed_logsInfoWithSubjectAndExpiryButNeverTheToken() {
        String first = "canary-first-token-3e1f";
        String second = "canary-second-token-7a2b";
        fetcher.thenReturn(canary(first, Duration.ofHours(1)));
        fetcher.then(() -> canary(second, Duration.ofHours(1)));
        TokenSource s = heldSource();
        List<String> info;
        String all;
        try (LogCapture logs = LogCapture.open()) {
            s.get(TIMEOUT_MS);
            workers.advance(STALE_AT);
            info = logs.lines("INFO", TokenSource.class);
            all = logs.all();
        }

        assertEquals(2, fetcher.calls());
        assertEquals(2, info.size(), () -> "INFO lines: " + info);
        assertTrue(info.get(0).contains("Fetched a token for client fake at"
                + " https://idp.example.com/token: subject svc-log, expires at "
                + FakeTime.START.plus(Duration.ofHours(1)) + " (in 3600 s), refresh in 2160 s"),
                info.get(0));
        assertTrue(info.get(1).contains("subject svc-log, expires at "
                + FakeTime.START.plus(STALE_AT).plus(Duration.ofHours(1))), info.get(1));
        assertFalse(all.contains(first), all);
        assertFalse(all.contains(second), all);
    }

    @Test
    void scheduledRefresh_tokenExpiresWithoutReplacement_logsOneErrorNamingExpiryAndFailure() {
        TokenSource s = heldSource();
        s.get(TIMEOUT_MS);
        fetcher.failAlways(FakeFetcher.retriable("idp is down"));
        List<String> beforeExpiry;
        List<String> errors;
        try (LogCapture logs = LogCapture.open()) {
            workers.advance(Duration.ofHours(1).minusSeconds(1));
            beforeExpiry = logs.lines("ERROR", TokenSource.class);
            workers.advance(Duration.ofMinutes(10));
            errors = logs.lines("ERROR", TokenSource.class);
        }

        assertTrue(fetcher.calls() > 3, "refreshes were retried: " + fetcher.calls());
        assertEquals(List.of(), beforeExpiry, "no ERROR while the token is valid");
        assertEquals(1, errors.size(), () -> "one ERROR, not one per retry: " + errors);
        assertTrue(errors.get(0).contains("The token for client fake at"
                + " https://idp.example.com/token expired at "
                + FakeTime.START.plus(Duration.ofHours(1))
                + " and no new token could be fetched"), errors.get(0));
        assertTrue(errors.get(0).contains("Last failure: idp is down"), errors.get(0));
    }
}
