package dev.kafkaoauth.login.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import javax.management.ObjectName;

/**
 * The token sources of one class loader, keyed by {@link CredentialKey}: every handler whose
 * token requests would be identical shares one token. A source stays while a handler holds it,
 * and afterwards until its token expires, so clients that are created and closed often do not
 * fetch again. Caffeine runs its maintenance on the calling thread and has no scheduler: no
 * JDK-shared executor ever runs our code (it would inherit and pin a plugin's class loader).
 */
public final class TokenCache {

    private static final TokenCache SHARED = new TokenCache(Ticker.systemTicker(),
            Clock.systemUTC(), Workers.threads("kafka-oauth-login"),
            TokenSource.defaultRandom(), true);

    private final Cache<CredentialKey, TokenSource> sources;
    private final Ticker ticker;
    private final Clock clock;
    private final Workers workers;
    private final DoubleSupplier random;
    private final TokenCacheMBeans mbeans; // null without JMX
    private int openHandles; // guarded by this

    /** A cache without JMX MBeans. */
    public TokenCache(Ticker ticker, Clock clock, Workers workers, DoubleSupplier random) {
        this(ticker, clock, workers, random, false);
    }

    /**
     * A cache.
     *
     * @param jmx whether each entry gets an MBean in the platform MBean server
     */
    public TokenCache(Ticker ticker, Clock clock, Workers workers, DoubleSupplier random,
            boolean jmx) {
        this.ticker = ticker;
        this.clock = clock;
        this.workers = workers;
        this.random = random;
        this.mbeans = jmx ? new TokenCacheMBeans(this::cleanUp) : null;
        this.sources = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(new KeepWhileUsed())
                .removalListener(this::removed)
                .build();
    }

    /** The cache shared by every handler loaded through this class loader. */
    public static TokenCache shared() {
        return SHARED;
    }

    /** A cache of one handler's own ({@code tokenCache=private}). */
    public static TokenCache privateCache() {
        return new TokenCache(Ticker.systemTicker(), Clock.systemUTC(),
                Workers.threads("kafka-oauth-login-private"), TokenSource.defaultRandom(), true);
    }

    /**
     * Starts using the source of a credential set, creating it on first use.
     *
     * @param options the handler's options; their credential key selects the source
     * @param fetcher makes the fetcher when the source is new
     */
    public TokenSource acquire(LoginOptions options, Supplier<TokenFetcher> fetcher) {
        synchronized (this) {
            if (openHandles++ == 0) {
                workers.start();
            }
        }
        TokenSource acquired = sources.asMap().compute(options.credentialKey(),
                (key, existing) -> {
            TokenSource s = existing;
            if (s == null) {
                s = new TokenSource(key, fetcher.get(), new RefreshPolicy(
                        options.refreshFraction()), options.maxTokenAge(),
                        options.retryBackoffMs(), options.retryBackoffMaxMs(), ticker, clock,
                        workers, random);
                // A fetch that ends after the last release must still let the entry expire.
                s.onSettled(() -> sources.asMap().computeIfPresent(key, (k, v) -> v));
            }
            s.retain();
            return s;
        });
        if (mbeans != null) {
            mbeans.ensureRegistered(acquired, new TokenCacheMBeans.Labels(options.clientId(),
                    options.endpointHost(), options.subClaimName()));
        }
        return acquired;
    }

    /** Stops using a source; the last release of all stops the cache's threads. */
    public void release(TokenSource source) {
        source.release();
        // Recompute the entry's expiry now that it may no longer be held.
        sources.asMap().computeIfPresent(source.key(), (k, v) -> v);
        sources.cleanUp();
        boolean last;
        synchronized (this) {
            last = --openHandles == 0;
            if (last) {
                workers.stop();
            }
        }
        if (last && mbeans != null) {
            // Nothing runs once the last handler is closed, so nothing could unregister an
            // entry at its expiry; the MBean server must not pin this class loader meanwhile.
            mbeans.unregisterAll();
        }
    }

    private void removed(CredentialKey key, TokenSource source, RemovalCause cause) {
        // The cache only replaces an entry with itself (to recompute its expiry).
        if (mbeans != null && source != null && cause != RemovalCause.REPLACED) {
            mbeans.unregister(source);
        }
    }

    private void cleanUp() {
        sources.cleanUp();
    }

    /** The JMX name of a source's MBean, or null; for tests. */
    ObjectName mbeanName(TokenSource source) {
        return mbeans == null ? null : mbeans.nameOf(source);
    }

    /** The source of a credential set if it is cached, else null. */
    public TokenSource find(CredentialKey key) {
        return sources.getIfPresent(key);
    }

    /** Number of cached credential sets (after pending removals). */
    public long size() {
        sources.cleanUp();
        return sources.estimatedSize();
    }

    /** Keeps a source while it is held, then until its token expires. */
    private static final class KeepWhileUsed implements Expiry<CredentialKey, TokenSource> {
        @Override
        public long expireAfterCreate(CredentialKey key, TokenSource value, long currentTime) {
            return value.nanosToKeep(currentTime);
        }

        @Override
        public long expireAfterUpdate(CredentialKey key, TokenSource value, long currentTime,
                long currentDuration) {
            return value.nanosToKeep(currentTime);
        }

        @Override
        public long expireAfterRead(CredentialKey key, TokenSource value, long currentTime,
                long currentDuration) {
            return currentDuration;
        }
    }
}
