package dev.kafkaoauth.login.internal;

import java.time.Duration;

/**
 * When a token becomes stale (refreshed in the background) and when it counts as expired
 * (callers wait for a new one). Pure arithmetic, so every margin is tested without a clock.
 *
 * <p>The refresh point must come before Kafka's own re-login point for the same token, so that
 * Kafka always gets a fresh token when it asks. Kafka's {@code ExpiringCredentialRefreshingLogin}
 * re-logs in at 0.8 to 0.85 of the lifetime measured from the token's start, moved back to
 * {@code expiry - 300 s} (its buffer) when that is earlier; a token with less than 360 s left
 * (minimum period plus buffer) is refreshed at 0.8 to 0.85 of what is left. Its earliest
 * re-login for a lifetime {@code L} is therefore {@code min(0.8 L, L - 300 s)}, or {@code 0.8 L}
 * below 360 s. These are Kafka's defaults: handlers with other refresh settings share the same
 * cache, so the defaults are what the cache plans for.
 */
public final class RefreshPolicy {

    /** Refresh points are spread over this part of the lifetime (a fleet must not ask at once). */
    static final double JITTER_SPAN = 0.1;
    private static final double KAFKA_WINDOW_FACTOR = 0.8;
    private static final Duration KAFKA_BUFFER = Duration.ofSeconds(300);
    private static final Duration KAFKA_MIN_PERIOD = Duration.ofSeconds(60);
    /** Time left for our own refresh to finish before Kafka's earliest re-login. */
    private static final Duration MAX_REFRESH_HEADROOM = Duration.ofSeconds(10);
    /** Callers wait for a new token this close to expiry: a few seconds, or 5% of short ones. */
    private static final Duration MAX_EXPIRY_SAFETY = Duration.ofSeconds(5);

    private final double fraction;

    public RefreshPolicy(double fraction) {
        this.fraction = fraction;
    }

    /** Kafka's earliest re-login after the token's start, with its default settings. */
    static Duration kafkaEarliestRelogin(Duration lifetime) {
        Duration byFactor = scale(lifetime, KAFKA_WINDOW_FACTOR);
        if (lifetime.compareTo(KAFKA_MIN_PERIOD.plus(KAFKA_BUFFER)) < 0) {
            return byFactor;
        }
        Duration byBuffer = lifetime.minus(KAFKA_BUFFER);
        return byBuffer.compareTo(byFactor) < 0 ? byBuffer : byFactor;
    }

    /**
     * The refresh point after the token's start, for a token that arrives as it starts.
     *
     * @param lifetime from the token's start to its (effective) expiry
     * @param random a number in [0, 1) that places the point in its jitter window
     */
    public Duration refreshAfter(Duration lifetime, double random) {
        return refreshAfter(Duration.ZERO, lifetime, random);
    }

    /**
     * The refresh point after the token's arrival. The window starts at {@code fraction} of
     * what is left of the lifetime on arrival (an {@code iat} written in whole seconds, or a
     * token handed out late by its issuer, must not shorten the interval between requests),
     * and ends no later than Kafka's earliest re-login, which counts from the token's start.
     *
     * @param age how old the token is on arrival (now minus its start), not negative
     * @param lifetime from the token's start to its (effective) expiry
     * @param random a number in [0, 1) that places the point in its jitter window
     * @return the delay after arrival; zero or negative when the token is stale on arrival
     */
    public Duration refreshAfter(Duration age, Duration lifetime, double random) {
        Duration span = scale(lifetime, JITTER_SPAN);
        Duration headroom = min(MAX_REFRESH_HEADROOM, scale(lifetime, 0.05));
        Duration latest = kafkaEarliestRelogin(lifetime).minus(headroom).minus(age);
        Duration low = scale(lifetime.minus(age), fraction);
        if (low.plus(span).compareTo(latest) > 0) {
            low = latest.minus(span);
            if (low.isNegative()) {
                low = latest.isNegative() ? latest : Duration.ZERO;
            }
        }
        Duration high = min(low.plus(span), latest);
        return low.plus(scale(high.minus(low), random));
    }

    /** How long before expiry a token is no longer handed out. */
    public Duration expirySafety(Duration lifetime) {
        return min(MAX_EXPIRY_SAFETY, scale(lifetime, 0.05));
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofNanos((long) (d.toNanos() * factor));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
