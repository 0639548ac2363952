package dev.kafkaoauth.login.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.kafkaoauth.login.TokenRequestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token of one credential set, shared by every handler whose requests would be identical.
 *
 * <p>A token is FRESH until its refresh point, and is then served at once; STALE until a small
 * safety margin before expiry, and is then served at once while one refresh runs; EXPIRED after
 * that, and callers wait (bounded) for the one fetch in flight. A refresh is scheduled at the
 * refresh point while handlers are open; a failed refresh keeps the valid token and retries
 * with backoff. All timing is in ticker nanoseconds; the clock only maps token instants.
 */
public final class TokenSource {

    private static final Logger log = LoggerFactory.getLogger(TokenSource.class);
    private static final long MIN_BACKGROUND_BACKOFF_MS = 100;

    /** Freshness of the current token at one instant. */
    public enum State { FRESH, STALE, EXPIRED, NONE }

    private final CredentialKey key;
    private final TokenFetcher fetcher;
    private final RefreshPolicy policy;
    private final Duration maxTokenAge;
    private final long retryBackoffNanos;
    private final long retryBackoffMaxNanos;
    private final Ticker ticker;
    private final Clock clock;
    private final Workers workers;
    private final DoubleSupplier random;
    private final Object lock = new Object();

    private volatile Entry current;
    private volatile Runnable onSettled = () -> { };
    // Guarded by lock.
    private CompletableFuture<Entry> inFlight;
    private Future<?> scheduled;
    private long scheduledAtNanos;
    private int holders;
    private int consecutiveFailures;
    private boolean reportedExpiry;
    // Statistics, guarded by lock.
    private long requests;
    private long failures;
    private String lastFailure;

    /**
     * A token with its timing in ticker nanoseconds.
     *
     * @param token the token
     * @param effectiveExpiry its expiry, or {@code maxTokenAgeSeconds} after arrival if earlier
     */
    public record Entry(AccessToken token, Instant effectiveExpiry, long staleAtNanos,
            long expiredAtNanos, long dropAtNanos) {
    }

    TokenSource(CredentialKey key, TokenFetcher fetcher, RefreshPolicy policy,
            Duration maxTokenAge, long retryBackoffMs, long retryBackoffMaxMs, Ticker ticker,
            Clock clock, Workers workers, DoubleSupplier random) {
        this.key = key;
        this.fetcher = fetcher;
        this.policy = policy;
        this.maxTokenAge = maxTokenAge;
        // Kafka allows a backoff of 0; background retries never spin faster than this floor.
        this.retryBackoffNanos = TimeUnit.MILLISECONDS.toNanos(
                Math.max(MIN_BACKGROUND_BACKOFF_MS, retryBackoffMs));
        this.retryBackoffMaxNanos = TimeUnit.MILLISECONDS.toNanos(
                Math.max(MIN_BACKGROUND_BACKOFF_MS, Math.max(retryBackoffMs, retryBackoffMaxMs)));
        this.ticker = ticker;
        this.clock = clock;
        this.workers = workers;
        this.random = random;
    }

    static DoubleSupplier defaultRandom() {
        return () -> ThreadLocalRandom.current().nextDouble();
    }

    public CredentialKey key() {
        return key;
    }

    /**
     * A valid token: at once when one is cached, else after waiting for the fetch in flight.
     *
     * @param timeoutMs the longest wait when no valid token is cached
     * @throws TokenRequestException when no valid token could be had in time
     */
    public Entry get(long timeoutMs) {
        Entry e = current;
        long now = ticker.read();
        if (e != null && now - e.staleAtNanos < 0) {
            return e; // FRESH: the hot path takes no lock
        }
        if (e != null && now - e.expiredAtNanos < 0) {
            refreshInBackground(); // STALE
            return e;
        }
        return await(startFetch(true), timeoutMs);
    }

    /** A token fetched now, never a cached one; it also replaces the cached token. */
    public Entry fetchFresh(long timeoutMs) {
        return await(startFetch(), timeoutMs);
    }

    /** The state of the cached token now. */
    public State state() {
        Entry e = current;
        long now = ticker.read();
        if (e == null) {
            return State.NONE;
        }
        if (now - e.staleAtNanos < 0) {
            return State.FRESH;
        }
        return now - e.expiredAtNanos < 0 ? State.STALE : State.EXPIRED;
    }

    private Entry await(CompletableFuture<Entry> f, long timeoutMs) {
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TokenRequestException) {
                throw (TokenRequestException) cause;
            }
            throw new TokenRequestException("Token request for " + fetcher.describe()
                    + " failed: " + cause.getClass().getName(), null, -1, null, true, cause);
        } catch (TimeoutException e) {
            throw new TokenRequestException("No token for " + fetcher.describe() + " within "
                    + timeoutMs + " ms (loginTimeoutMs); the request is still in flight"
                    + lastFailureText(), null, -1, null, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenRequestException("Interrupted while waiting for a token for "
                    + fetcher.describe(), null, -1, null, true, e);
        }
    }

    private String lastFailureText() {
        synchronized (lock) {
            return lastFailure == null ? "." : "; the last failure: " + lastFailure;
        }
    }

    private void refreshInBackground() {
        synchronized (lock) {
            if (inFlight != null || (scheduled != null && !scheduled.isDone())) {
                return; // a refresh or a retry after backoff is already on its way
            }
        }
        startFetch();
    }

    private CompletableFuture<Entry> startFetch() {
        return startFetch(false);
    }

    private CompletableFuture<Entry> startFetch(boolean unlessValid) {
        CompletableFuture<Entry> f;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            Entry e = current;
            if (unlessValid && e != null && ticker.read() - e.expiredAtNanos < 0) {
                // A fetch completed after the caller saw no valid token: single flight.
                return CompletableFuture.completedFuture(e);
            }
            f = new CompletableFuture<>();
            inFlight = f;
            requests++;
        }
        try {
            workers.fetchExecutor().execute(() -> runFetch(f));
        } catch (RuntimeException rejected) {
            // The workers were stopped under us (last handler closed): fetch on this thread.
            runFetch(f);
        }
        return f;
    }

    private void runFetch(CompletableFuture<Entry> f) {
        Entry fetched = null;
        RuntimeException failure = null;
        try {
            fetched = entryFor(fetcher.fetch());
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            // Never leave the key with a fetch "in flight" for ever (a plugin unloaded under
            // us gives NoClassDefFoundError): report it like any failed fetch.
            failure = new TokenRequestException("Token request for " + fetcher.describe()
                    + " failed: " + e, null, -1, null, true, e);
        }
        synchronized (lock) {
            inFlight = null;
            if (fetched != null) {
                current = fetched;
                consecutiveFailures = 0;
                reportedExpiry = false;
                scheduleLocked(refreshDelayNanos(fetched));
            } else {
                failures++;
                consecutiveFailures++;
                lastFailure = failure.getMessage();
                scheduleLocked(failureBackoffNanos(failure));
            }
        }
        if (fetched != null) {
            logFetched(fetched);
            f.complete(fetched);
        } else {
            logFailure(failure);
            f.completeExceptionally(failure);
        }
        onSettled.run();
    }

    /** Called after each fetch, so that the cache can recompute how long it keeps this. */
    void onSettled(Runnable action) {
        this.onSettled = action;
    }

    private Entry entryFor(AccessToken token) {
        long nowNanos = ticker.read();
        Instant now = clock.instant();
        Instant expiry = token.expiresAt();
        if (maxTokenAge != null && now.plus(maxTokenAge).isBefore(expiry)) {
            expiry = now.plus(maxTokenAge);
        }
        Instant start = token.issuedAt().isAfter(now) ? now : token.issuedAt();
        Duration lifetime = Duration.between(start, expiry);
        Duration staleAt = policy.refreshAfter(Duration.between(start, now), lifetime,
                random.getAsDouble());
        Duration untilExpiry = Duration.between(now, expiry);
        Duration expiredAt = untilExpiry.minus(policy.expirySafety(lifetime));
        return new Entry(token, expiry, nowNanos + staleAt.toNanos(),
                nowNanos + expiredAt.toNanos(), nowNanos + untilExpiry.toNanos());
    }

    private long refreshDelayNanos(Entry fetched) {
        long now = ticker.read();
        long untilStale = fetched.staleAtNanos - now;
        if (untilStale > 0) {
            return untilStale;
        }
        // Stale on arrival (an IdP or a token file handing back an old token): ask again after
        // a backoff, not at once in a loop, and by the expiry margin at the latest.
        return Math.max(retryBackoffNanos,
                Math.min(retryBackoffMaxNanos, fetched.expiredAtNanos - now));
    }

    private long failureBackoffNanos(RuntimeException failure) {
        boolean isFinal = failure instanceof TokenRequestException
                && !((TokenRequestException) failure).isRetriable();
        if (isFinal) {
            return retryBackoffMaxNanos;
        }
        int shift = Math.min(consecutiveFailures - 1, 30);
        long exp = retryBackoffNanos << shift;
        return exp <= 0 || exp > retryBackoffMaxNanos ? retryBackoffMaxNanos : exp;
    }

    /** Schedules the next background fetch; only while handlers hold this source. */
    private void scheduleLocked(long delayNanos) {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        if (holders > 0) {
            scheduled = workers.schedule(this::scheduledRefresh, Math.max(0, delayNanos));
            scheduledAtNanos = ticker.read() + Math.max(0, delayNanos);
        }
    }

    private void scheduledRefresh() {
        Entry e = current;
        if (e != null && ticker.read() - e.dropAtNanos >= 0) {
            reportExpiryOnce(e);
        }
        startFetch();
    }

    private void reportExpiryOnce(Entry e) {
        boolean report;
        synchronized (lock) {
            report = !reportedExpiry;
            reportedExpiry = true;
        }
        if (report) {
            log.error("The token for {} expired at {} and no new token could be fetched: clients"
                    + " using it cannot authenticate new connections until a fetch succeeds."
                    + " Last failure: {}", fetcher.describe(), e.effectiveExpiry, lastFailure());
        }
    }

    private void logFetched(Entry e) {
        AccessToken t = e.token;
        log.info("Fetched a token for {}: subject {}, expires at {} (in {} s), refresh in {} s",
                fetcher.describe(), t.subject("sub"), e.effectiveExpiry,
                TimeUnit.NANOSECONDS.toSeconds(e.dropAtNanos - ticker.read()),
                TimeUnit.NANOSECONDS.toSeconds(Math.max(0, e.staleAtNanos - ticker.read())));
    }

    private void logFailure(RuntimeException failure) {
        Entry e = current;
        long now = ticker.read();
        if (e != null && now - e.dropAtNanos < 0) {
            log.warn("Refreshing the token for {} failed; the current token stays in use until"
                    + " {} and the refresh is retried. {}", fetcher.describe(),
                    e.effectiveExpiry, failure.getMessage());
        } else if (e != null) {
            reportExpiryOnce(e);
        } else {
            log.error("No token for {}: {}", fetcher.describe(), failure.getMessage());
        }
    }

    /** A handler starts using this source: refresh ahead of expiry from now on. */
    void retain() {
        synchronized (lock) {
            holders++;
            if (holders == 1 && scheduled == null && inFlight == null) {
                Entry e = current;
                if (e != null) {
                    scheduleLocked(e.staleAtNanos - ticker.read());
                }
            }
        }
    }

    /** A handler stops using this source; with none left, nothing is scheduled for it. */
    void release() {
        synchronized (lock) {
            holders = Math.max(0, holders - 1);
            if (holders == 0 && scheduled != null) {
                scheduled.cancel(false);
                scheduled = null;
            }
        }
    }

    /** How long the cache keeps this source: while held, else until its token expires. */
    long nanosToKeep(long nowNanos) {
        synchronized (lock) {
            if (holders > 0 || inFlight != null) {
                return Long.MAX_VALUE;
            }
        }
        Entry e = current;
        return e == null ? 0 : Math.max(0, e.dropAtNanos - nowNanos);
    }

    /** Drops the cached token, so that the next use fetches a new one. */
    public void invalidate() {
        synchronized (lock) {
            current = null;
        }
    }

    public long requests() {
        synchronized (lock) {
            return requests;
        }
    }

    public long failures() {
        synchronized (lock) {
            return failures;
        }
    }

    public String lastFailure() {
        synchronized (lock) {
            return lastFailure;
        }
    }

    /** Seconds until the cached token expires; negative when there is none. */
    public long secondsToExpiry() {
        Entry e = current;
        return e == null ? -1 : TimeUnit.NANOSECONDS.toSeconds(e.dropAtNanos - ticker.read());
    }

    /** The cached token with its timing, or null. */
    public Entry current() {
        return current;
    }

    /** Handlers using this source. */
    public int holders() {
        synchronized (lock) {
            return holders;
        }
    }

    /** When the next background refresh is due, or null when none is scheduled. */
    public Instant nextRefresh() {
        long delay;
        synchronized (lock) {
            if (scheduled == null || scheduled.isDone()) {
                return null;
            }
            delay = scheduledAtNanos - ticker.read();
        }
        return clock.instant().plusNanos(Math.max(0, delay));
    }

    /** The cached token's effective expiry, or null. */
    public Instant effectiveExpiry() {
        Entry e = current;
        return e == null ? null : e.effectiveExpiry;
    }

    @Override
    public String toString() {
        return "TokenSource{" + key + ", state=" + state() + "}";
    }
}
