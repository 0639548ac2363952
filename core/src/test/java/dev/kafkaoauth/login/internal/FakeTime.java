package dev.kafkaoauth.login.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** A ticker and a clock that move together, only when the test says so. */
final class FakeTime implements Ticker {

    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final long originNanos = nanos.get();
    private final AtomicReference<Runnable> onNextRead = new AtomicReference<>();

    @Override
    public long read() {
        Runnable hook = onNextRead.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
        return nanos.get();
    }

    /** Runs an action once, inside the next read of the ticker (to force an interleaving). */
    void onNextRead(Runnable hook) {
        onNextRead.set(hook);
    }

    long nanos() {
        return nanos.get();
    }

    void setNanos(long value) {
        nanos.set(value);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    Instant now() {
        return START.plusNanos(nanos.get() - originNanos);
    }

    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }
}
