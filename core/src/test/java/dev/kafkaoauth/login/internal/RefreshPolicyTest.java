package dev.kafkaoauth.login.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RefreshPolicyTest {

    private static final double DEFAULT_FRACTION = 0.6;
    private static final double ALMOST_ONE = Math.nextDown(1.0);
    /** Rounding of nanosecond arithmetic in the policy. */
    private static final long SLACK_NANOS = 10;

    static LongStream lifetimes() {
        return LongStream.of(2, 20, 300, 359, 360, 600, 3600, 86400);
    }

    static Stream<Arguments> lifetimesFractionsAndRandoms() {
        return lifetimes().boxed().flatMap(l -> DoubleStream.of(0.1, DEFAULT_FRACTION, 0.8)
                .boxed().flatMap(f -> DoubleStream.of(0, 0.5, ALMOST_ONE).boxed()
                        .map(r -> Arguments.of(l, f, r))));
    }

    /** Kafka's earliest re-login with its defaults, written out independently of the policy. */
    private static double kafkaEarliestSeconds(double lifetime) {
        return lifetime < 360 ? 0.8 * lifetime : Math.min(0.8 * lifetime, lifetime - 300);
    }

    private static double headroomSeconds(double lifetime) {
        return Math.min(10, 0.05 * lifetime);
    }

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    @ParameterizedTest(name = "{0} s, fraction {1}, random {2}")
    @MethodSource("lifetimesFractionsAndRandoms")
    void refreshAfter_anyLifetime_isAtOrBeforeKafkaEarliestReloginMinusHeadroom(long lifetime,
            double fraction, double random) {
        Duration point = new RefreshPolicy(fraction).refreshAfter(Duration.ofSeconds(lifetime),
                random);

        long latest = nanos(kafkaEarliestSeconds(lifetime) - headroomSeconds(lifetime));
        assertTrue(point.toNanos() <= latest + SLACK_NANOS,
                () -> "refresh at " + point + " is after Kafka's earliest re-login minus headroom");
        assertTrue(!point.isNegative(), () -> "negative refresh point " + point);
    }

    @ParameterizedTest(name = "{0} s")
    @MethodSource("lifetimes")
    void refreshAfter_randomZeroToOne_spansATenthOfTheLifetime(long lifetime) {
        RefreshPolicy policy = new RefreshPolicy(DEFAULT_FRACTION);
        Duration l = Duration.ofSeconds(lifetime);

        long low = policy.refreshAfter(l, 0).toNanos();
        long high = policy.refreshAfter(l, ALMOST_ONE).toNanos();

        long room = nanos(kafkaEarliestSeconds(lifetime) - headroomSeconds(lifetime));
        long expected = Math.min(l.toNanos() / 10, room);
        assertTrue(Math.abs(high - low - expected) <= SLACK_NANOS + 1 + expected / 1_000_000,
                () -> "jitter window " + (high - low) + " ns, expected " + expected);
        assertEquals(l.toNanos() / 10, expected, "every listed lifetime leaves room");
    }

    @ParameterizedTest(name = "{0} s")
    @ValueSource(longs = {20, 3600})
    void refreshAfter_defaultFraction_isAtLeastSixTenthsOfTheLifetime(long lifetime) {
        RefreshPolicy policy = new RefreshPolicy(DEFAULT_FRACTION);
        Duration l = Duration.ofSeconds(lifetime);

        for (double r : new double[] {0, 0.5, ALMOST_ONE}) {
            assertTrue(policy.refreshAfter(l, r).toNanos() >= nanos(0.6 * lifetime) - SLACK_NANOS,
                    "random " + r);
        }
    }

    @ParameterizedTest(name = "{0} s")
    @MethodSource("lifetimes")
    void refreshAfter_randomGrows_pointNeverMovesBack(long lifetime) {
        RefreshPolicy policy = new RefreshPolicy(DEFAULT_FRACTION);
        Duration l = Duration.ofSeconds(lifetime);
        Duration previous = Duration.ZERO;
        for (int i = 0; i < 10; i++) {
            Duration p = policy.refreshAfter(l, i / 10.0);
            assertTrue(p.compareTo(previous) >= 0);
            previous = p;
        }
    }

    @Test
    void kafkaEarliestRelogin_aroundTheBufferThreshold_followsKafkasClamping() {
        assertEquals(Duration.ofMillis(287_200),
                RefreshPolicy.kafkaEarliestRelogin(Duration.ofSeconds(359)));
        assertEquals(Duration.ofSeconds(60),
                RefreshPolicy.kafkaEarliestRelogin(Duration.ofSeconds(360)));
        assertEquals(Duration.ofSeconds(300),
                RefreshPolicy.kafkaEarliestRelogin(Duration.ofSeconds(600)));
        assertEquals(Duration.ofSeconds(2880),
                RefreshPolicy.kafkaEarliestRelogin(Duration.ofSeconds(3600)));
    }

    @ParameterizedTest(name = "{0} s")
    @MethodSource("lifetimes")
    void expirySafety_anyLifetime_isAFewSecondsOrAtMostOneTwentieth(long lifetime) {
        RefreshPolicy policy = new RefreshPolicy(DEFAULT_FRACTION);
        Duration l = Duration.ofSeconds(lifetime);

        Duration safety = policy.expirySafety(l);

        assertTrue(!safety.isNegative() && !safety.isZero());
        assertTrue(safety.compareTo(Duration.ofSeconds(5)) <= 0);
        assertTrue(safety.toNanos() <= l.toNanos() / 20 + SLACK_NANOS);
        assertTrue(safety.compareTo(Duration.ofSeconds(300)) < 0, "never Kafka's buffer");
        // A stale window exists: the latest refresh point comes before the expiry margin.
        assertTrue(policy.refreshAfter(l, ALMOST_ONE).compareTo(l.minus(safety)) < 0);
    }

    @Test
    void expirySafety_shortAndLongTokens_knownValues() {
        RefreshPolicy policy = new RefreshPolicy(DEFAULT_FRACTION);
        assertEquals(Duration.ofMillis(100), policy.expirySafety(Duration.ofSeconds(2)));
        assertEquals(Duration.ofSeconds(1), policy.expirySafety(Duration.ofSeconds(20)));
        assertEquals(Duration.ofSeconds(5), policy.expirySafety(Duration.ofSeconds(3600)));
    }

    // Regression: with iat in whole seconds a token arrives up to 1 s old, and counting the
    // window from iat made short tokens refresh more often than fraction x lifetime.
    @Test
    void refreshAfter_tokenOneSecondOldOnArrival_countsTheFractionFromArrival() {
        RefreshPolicy policy = new RefreshPolicy(0.6);
        Duration lifetime = Duration.ofSeconds(20);
        Duration age = Duration.ofSeconds(1);
        for (double r : new double[] {0, 0.5, ALMOST_ONE}) {
            Duration delay = policy.refreshAfter(age, lifetime, r);
            assertTrue(delay.toNanos() >= nanos(0.6 * 19) - SLACK_NANOS, delay::toString);
            // Kafka's earliest re-login (0.8 x 20 s after the start) minus the headroom.
            assertTrue(delay.plus(age).toNanos() <= nanos(0.8 * 20 - 1), delay::toString);
        }
    }

    @Test
    void refreshAfter_tokenPastKafkasReloginOnArrival_isStaleAtOnce() {
        Duration delay = new RefreshPolicy(0.6).refreshAfter(Duration.ofSeconds(17),
                Duration.ofSeconds(20), 0.5);
        assertTrue(delay.isNegative() || delay.isZero(), delay::toString);
    }
}
