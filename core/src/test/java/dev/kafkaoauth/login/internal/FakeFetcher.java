package dev.kafkaoauth.login.internal;

import dev.kafkaoauth.login.TokenRequestException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Returns tokens made on the fake clock; counts calls; fails or blocks on demand. */
final class FakeFetcher implements TokenFetcher {

    private final FakeTime time;
    private final AtomicInteger calls = new AtomicInteger();
    private final Deque<Supplier<AccessToken>> next = new ArrayDeque<>();
    private volatile Duration lifetime = Duration.ofHours(1);
    private volatile CountDownLatch gate;
    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile RuntimeException always;

    FakeFetcher(FakeTime time) {
        this.time = time;
    }

    static TokenRequestException retriable(String message) {
        return new TokenRequestException(message, "idp.example.com", 503, null, true, null);
    }

    static TokenRequestException finalError(String message) {
        return new TokenRequestException(message, "idp.example.com", 401, "invalid_client",
                false, null);
    }

    /** A token issued now on the fake clock. */
    static AccessToken token(FakeTime time, Duration lifetime) {
        Instant now = time.now();
        return token(now, now.plus(lifetime));
    }

    static AccessToken token(Instant issuedAt, Instant expiresAt) {
        return new AccessToken("value-" + issuedAt + "-" + expiresAt, issuedAt, expiresAt,
                Map.of("sub", "svc"), true, "client");
    }

    void lifetime(Duration d) {
        lifetime = d;
    }

    synchronized void thenFail(RuntimeException e) {
        next.add(() -> {
            throw e;
        });
    }

    /** Every later call fails with this (null: succeed again). */
    void failAlways(RuntimeException e) {
        always = e;
    }

    synchronized void thenReturn(AccessToken t) {
        next.add(() -> t);
    }

    synchronized void then(Supplier<AccessToken> s) {
        next.add(s);
    }

    /** Later calls block until {@link #open()}. */
    void closeGate() {
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    boolean awaitEntered() throws InterruptedException {
        return entered.await(5, TimeUnit.SECONDS);
    }

    int calls() {
        return calls.get();
    }

    @Override
    public AccessToken fetch() {
        calls.incrementAndGet();
        entered.countDown();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(5, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never opened the fetcher's gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        RuntimeException failure = always;
        if (failure != null) {
            throw failure;
        }
        Supplier<AccessToken> s;
        synchronized (this) {
            s = next.poll();
        }
        return s != null ? s.get() : token(time, lifetime);
    }

    @Override
    public String describe() {
        return "client fake at https://idp.example.com/token";
    }
}
