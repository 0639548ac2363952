package dev.kafkaoauth.login.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kafkaoauth.login.TokenRequestException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TokenSourceTest {

    private static final long TIMEOUT_MS = 5_000;
    private static final Duration HOUR = Duration.ofHours(1);
    /** Refresh point of a one-hour token with the default fraction and random 0. */
    private static final Duration STALE_AT = Duration.ofSeconds(2160);
    /** One-hour token: expiry minus the 5 s safety margin. */
    private static final Duration EXPIRED_AT = Duration.ofSeconds(3595);

    private final FakeTime time = new FakeTime();
    private final ManualWorkers workers = new ManualWorkers(time);
    private final FakeFetcher fetcher = new FakeFetcher(time);

    private TokenSource source(Duration maxTokenAge) {
        return new TokenSource(TestOptions.defaults().credentialKey(), fetcher,
                new RefreshPolicy(0.6), maxTokenAge, 100, 1_000, time, time.clock(), workers,
                () -> 0.0);
    }

    private TokenSource source() {
        return source(null);
    }

    private long nanosUntilNextTask() {
        List<ManualWorkers.Task> pending = workers.pending();
        assertEquals(1, pending.size(), "scheduled tasks");
        return pending.get(0).due - time.nanos();
    }

    @Test
    void state_oneHourToken_freshThenStaleThenExpiredAtTheNamedMargins() {
        TokenSource s = source();
        assertEquals(TokenSource.State.NONE, s.state());
        s.get(TIMEOUT_MS);

        workers.advance(STALE_AT.minusNanos(1));
        assertEquals(TokenSource.State.FRESH, s.state());
        workers.advance(Duration.ofNanos(1));
        assertEquals(TokenSource.State.STALE, s.state());
        workers.advance(EXPIRED_AT.minus(STALE_AT).minusNanos(1));
        assertEquals(TokenSource.State.STALE, s.state());
        workers.advance(Duration.ofNanos(1));
        assertEquals(TokenSource.State.EXPIRED, s.state());
    }

    @Test
    void get_freshToken_servedWithoutFetch() {
        TokenSource s = source();
        TokenSource.Entry first = s.get(TIMEOUT_MS);

        workers.advance(STALE_AT.minusSeconds(1));
        TokenSource.Entry second = s.get(TIMEOUT_MS);

        assertSame(first, second);
        assertEquals(1, fetcher.calls());
        assertEquals(1, s.requests());
    }

    @Test
    void get_staleToken_servedAtOnceWithExactlyOneBackgroundFetch() {
        TokenSource s = source();
        TokenSource.Entry old = s.get(TIMEOUT_MS);
        workers.advance(STALE_AT.plusSeconds(1));
        workers.holdFetches(true);

        assertSame(old, s.get(TIMEOUT_MS));
        assertSame(old, s.get(TIMEOUT_MS));
        assertSame(old, s.get(TIMEOUT_MS));
        assertEquals(1, workers.heldFetchCount());

        workers.runHeldFetches();
        TokenSource.Entry renewed = s.get(TIMEOUT_MS);
        assertNotSame(old.token(), renewed.token());
        assertEquals(2, fetcher.calls());
        assertEquals(TokenSource.State.FRESH, s.state());
    }

    @Test
    void get_expiredToken_waitsForTheFetch() {
        TokenSource s = source();
        TokenSource.Entry old = s.get(TIMEOUT_MS);
        workers.advance(EXPIRED_AT);
        assertEquals(TokenSource.State.EXPIRED, s.state());

        TokenSource.Entry renewed = s.get(TIMEOUT_MS);

        assertNotSame(old.token(), renewed.token());
        assertEquals(time.now().plus(HOUR), renewed.effectiveExpiry());
        assertEquals(2, fetcher.calls());
    }

    @Test
    void get_concurrentMissesFromManyThreads_shareOneFetch() throws Exception {
        TokenSource s = source();
        fetcher.closeGate();
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<AtomicReference<Object>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AtomicReference<Object> result = new AtomicReference<>();
            results.add(result);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    result.set(s.get(TIMEOUT_MS));
                } catch (Throwable e) {
                    result.set(e);
                }
            }, "miss-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        go.countDown();
        assertTrue(fetcher.awaitEntered(), "no fetch started");
        awaitAllTimedWaiting(threads);

        fetcher.open();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(5));
            assertTrue(!t.isAlive(), t.getName() + " still waits");
        }

        assertEquals(1, fetcher.calls());
        Object first = results.get(0).get();
        assertTrue(first instanceof TokenSource.Entry, () -> "got " + first);
        for (AtomicReference<Object> r : results) {
            assertSame(first, r.get());
        }
    }

    /** Each thread waits either in the fetch or on the fetch in flight (bounded). */
    private static void awaitAllTimedWaiting(List<Thread> threads) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (threads.stream().anyMatch(t -> t.getState() != Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() - deadline > 0) {
                fail("threads did not all reach the fetch in flight");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void get_refreshFailsRetriably_keepsValidTokenAndRetriesWithDoublingBackoffUpToMax() {
        TokenSource s = source();
        s.retain();
        TokenSource.Entry valid = s.get(TIMEOUT_MS);
        for (int i = 0; i < 6; i++) {
            fetcher.thenFail(FakeFetcher.retriable("idp unavailable " + i));
        }

        workers.advance(STALE_AT);
        assertEquals(2, fetcher.calls());
        long[] expectedMs = {100, 200, 400, 800, 1000, 1000};
        for (int i = 0; i < expectedMs.length; i++) {
            assertEquals(TimeUnit.MILLISECONDS.toNanos(expectedMs[i]), nanosUntilNextTask(),
                    "backoff after failure " + (i + 1));
            assertSame(valid, s.get(TIMEOUT_MS));
            assertEquals(2 + i, fetcher.calls(), "a get while a retry is due fetches nothing");
            workers.advance(Duration.ofMillis(expectedMs[i]));
        }

        assertEquals(8, fetcher.calls());
        assertNotSame(valid.token(), s.get(TIMEOUT_MS).token());
        assertEquals(TokenSource.State.FRESH, s.state());
        assertEquals(6, s.failures());
        assertEquals(STALE_AT.toNanos(), nanosUntilNextTask(), "back to the refresh point");
    }

    @Test
    void get_refreshFailsWithFinalError_retriesAfterMaxBackoff() {
        TokenSource s = source();
        s.retain();
        TokenSource.Entry valid = s.get(TIMEOUT_MS);
        fetcher.thenFail(FakeFetcher.finalError("invalid_client"));

        workers.advance(STALE_AT);

        assertEquals(2, fetcher.calls());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1_000), nanosUntilNextTask());
        assertSame(valid, s.get(TIMEOUT_MS));
        assertEquals("invalid_client", s.lastFailure());
    }

    @Test
    void get_tokenExpiresWithoutReplacement_failsWithFetcherMessageAndNeverReturnsIt() {
        TokenSource s = source();
        s.retain();
        TokenSource.Entry valid = s.get(TIMEOUT_MS);
        fetcher.failAlways(FakeFetcher.retriable("idp is down"));

        workers.advance(EXPIRED_AT.minusMillis(1));
        assertSame(valid, s.get(TIMEOUT_MS));
        workers.advance(Duration.ofMillis(1));

        for (int i = 0; i < 3; i++) {
            TokenRequestException e = assertThrows(TokenRequestException.class,
                    () -> s.get(TIMEOUT_MS));
            assertEquals("idp is down", e.getMessage());
            workers.advance(Duration.ofSeconds(2));
        }
        assertTrue(fetcher.calls() > 3, "retries went on while held");
    }

    @Test
    void get_firstFetchFails_throwsFetcherExceptionItself() {
        TokenSource s = source();
        TokenRequestException failure = FakeFetcher.finalError("unauthorized_client: nope");
        fetcher.thenFail(failure);

        assertSame(failure, assertThrows(TokenRequestException.class, () -> s.get(TIMEOUT_MS)));
        assertEquals(TokenSource.State.NONE, s.state());
    }

    @Test
    void get_maxTokenAgeShorterThanLifetime_capsEffectiveExpiry() {
        TokenSource s = source(Duration.ofSeconds(600));
        TokenSource.Entry e = s.get(TIMEOUT_MS);

        assertEquals(time.now().plusSeconds(600), e.effectiveExpiry());
        assertEquals(600, s.secondsToExpiry());
        workers.advance(Duration.ofSeconds(290)); // Kafka's earliest re-login minus headroom
        assertEquals(TokenSource.State.STALE, s.state());
        workers.advance(Duration.ofSeconds(305));
        assertEquals(TokenSource.State.EXPIRED, s.state());
        assertNotSame(e.token(), s.get(TIMEOUT_MS).token());
    }

    @Test
    void get_maxTokenAgeLongerThanLifetime_keepsTokenExpiry() {
        TokenSource s = source(Duration.ofDays(1));
        TokenSource.Entry e = s.get(TIMEOUT_MS);

        assertEquals(e.token().expiresAt(), e.effectiveExpiry());
    }

    @Test
    void get_noHolders_schedulesNoRefresh() {
        TokenSource s = source();
        s.get(TIMEOUT_MS);

        assertTrue(workers.pending().isEmpty());
        workers.advance(EXPIRED_AT.minusSeconds(1));
        assertEquals(1, fetcher.calls());
    }

    @Test
    void retain_heldSource_refreshesAtTheRefreshPointWithoutAGet() {
        TokenSource s = source();
        s.retain();
        s.get(TIMEOUT_MS);
        assertEquals(STALE_AT.toNanos(), nanosUntilNextTask());

        workers.advance(STALE_AT);

        assertEquals(2, fetcher.calls());
        assertEquals(TokenSource.State.FRESH, s.state());
    }

    @Test
    void release_lastHolder_cancelsTheScheduledRefresh() {
        TokenSource s = source();
        s.retain();
        s.retain();
        s.get(TIMEOUT_MS);

        s.release();
        assertEquals(1, workers.pending().size(), "one holder is left");
        s.release();

        assertTrue(workers.pending().isEmpty());
        workers.advance(STALE_AT.plusSeconds(1));
        assertEquals(1, fetcher.calls());
    }

    @Test
    void retain_afterRelease_reschedulesAtTheRefreshPoint() {
        TokenSource s = source();
        s.retain();
        s.get(TIMEOUT_MS);
        s.release();
        workers.advance(Duration.ofSeconds(100));

        s.retain();

        assertEquals(STALE_AT.minusSeconds(100).toNanos(), nanosUntilNextTask());
        workers.advance(STALE_AT);
        assertEquals(2, fetcher.calls());
    }

    @Test
    void retain_afterReleasePastTheRefreshPoint_refreshesAtOnce() {
        TokenSource s = source();
        s.retain();
        s.get(TIMEOUT_MS);
        s.release();
        workers.advance(STALE_AT.plusSeconds(10));

        s.retain();
        workers.advance(Duration.ZERO);

        assertEquals(2, fetcher.calls());
    }

    @Test
    void invalidate_cachedToken_nextGetFetches() {
        TokenSource s = source();
        TokenSource.Entry first = s.get(TIMEOUT_MS);

        s.invalidate();

        assertEquals(TokenSource.State.NONE, s.state());
        assertEquals(-1, s.secondsToExpiry());
        assertNotSame(first, s.get(TIMEOUT_MS));
        assertEquals(2, fetcher.calls());
    }

    @Test
    void fetchFresh_freshTokenCached_fetchesAndReplacesIt() {
        TokenSource s = source();
        TokenSource.Entry first = s.get(TIMEOUT_MS);

        TokenSource.Entry fresh = s.fetchFresh(TIMEOUT_MS);

        assertNotSame(first, fresh);
        assertSame(fresh, s.get(TIMEOUT_MS));
        assertEquals(2, fetcher.calls());
    }

    @Test
    void get_noTokenWithinTimeout_throwsMentioningLoginTimeoutMs() {
        TokenSource s = source();
        workers.holdFetches(true);

        TokenRequestException e = assertThrows(TokenRequestException.class, () -> s.get(20));

        assertTrue(e.getMessage().contains("loginTimeoutMs"), e.getMessage());
        assertTrue(e.getMessage().contains("20 ms"), e.getMessage());
        assertTrue(e.isRetriable());
        assertEquals(1, workers.heldFetchCount(), "the fetch stays in flight");
    }

    @Test
    void get_timeoutAfterAFailure_namesTheLastFailure() {
        TokenSource s = source();
        fetcher.thenFail(FakeFetcher.retriable("HTTP 503 from idp.example.com"));
        assertThrows(TokenRequestException.class, () -> s.get(TIMEOUT_MS));
        workers.holdFetches(true);

        TokenRequestException e = assertThrows(TokenRequestException.class, () -> s.get(20));

        assertTrue(e.getMessage().contains("HTTP 503 from idp.example.com"), e.getMessage());
    }

    @Test
    void get_workersStoppedUnderUs_fetchesOnTheCallingThread() {
        TokenSource s = source();
        workers.rejectFetches(true);

        s.get(TIMEOUT_MS);

        assertEquals(1, fetcher.calls());
    }

    @Test
    void get_fetcherThrowsUnexpectedException_wrapsItWithItsType() {
        TokenSource s = source();
        fetcher.thenFail(new IllegalStateException("boom"));

        TokenRequestException e = assertThrows(TokenRequestException.class,
                () -> s.get(TIMEOUT_MS));

        assertTrue(e.getMessage().contains(IllegalStateException.class.getName()));
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    @Test
    void refresh_tokenAlreadyStaleOnArrival_isNotFetchedAgainInATightLoop() {
        // An IdP that hands back a cached token, or a token file, late in the token's life.
        fetcher.then(() -> FakeFetcher.token(time.now().minusSeconds(3000),
                time.now().plusSeconds(600)));
        fetcher.then(() -> FakeFetcher.token(time.now().minusSeconds(3000),
                time.now().plusSeconds(600)));
        TokenSource s = source();
        s.retain();
        TokenSource.Entry old = s.get(TIMEOUT_MS);
        assertEquals(TokenSource.State.STALE, s.state());

        workers.advance(Duration.ofMillis(500));

        assertEquals(1, fetcher.calls());
        assertSame(old, s.get(TIMEOUT_MS));
        workers.advance(Duration.ofSeconds(10));
        assertTrue(fetcher.calls() <= 12, "fetches: " + fetcher.calls()); // max backoff 1 s
    }

    @Test
    void get_fetchCompletesBetweenReadingTheTokenAndJoining_doesNotFetchAgain() {
        TokenSource s = source();
        s.get(TIMEOUT_MS);
        workers.advance(STALE_AT);
        workers.holdFetches(true);
        s.get(TIMEOUT_MS); // STALE: starts the background fetch, held in flight
        workers.advance(EXPIRED_AT.minus(STALE_AT));
        // The caller reads the expired token, then the fetch in flight completes.
        time.onNextRead(() -> {
            workers.holdFetches(false);
            workers.runHeldFetches();
        });

        TokenSource.Entry got = s.get(TIMEOUT_MS);

        assertEquals(2, fetcher.calls());
        assertEquals(TokenSource.State.FRESH, s.state());
        assertSame(got, s.get(TIMEOUT_MS));
    }
}
