package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ID_PROPERTY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.TokenCacheEntryMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class TokenCacheMBeansTest {

    private static final long TIMEOUT_MS = 5_000;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FakeTime time = new FakeTime();
    private final ManualWorkers workers = new ManualWorkers(time);
    private final FakeFetcher fetcher = new FakeFetcher(time);
    private final TokenCache cache = new TokenCache(time, time.clock(), workers, () -> 0.0,
            true);

    private TokenSource acquire(LoginOptions options) {
        return cache.acquire(options, () -> fetcher);
    }

    private TokenCacheEntryMXBean proxy(ObjectName name) {
        return JMX.newMXBeanProxy(server, name, TokenCacheEntryMXBean.class);
    }

    private static LoginOptions clientB() {
        Map<String, Object> c = TestOptions.configs();
        c.put(CLIENT_ID_PROPERTY, "client-b");
        return TestOptions.parse(c, Map.of());
    }

    @Test
    void acquire_jmxCache_registersEntryNamedByLoaderAndClientId() throws Exception {
        TokenSource source = acquire(TestOptions.defaults());
        ObjectName name = cache.mbeanName(source);

        assertNotNull(name);
        assertTrue(server.isRegistered(name));
        assertEquals("TokenCache", name.getKeyProperty("type"));
        assertEquals(ObjectName.quote("client-a"), name.getKeyProperty("clientId"));
        assertEquals(Integer.toHexString(System.identityHashCode(
                TokenCache.class.getClassLoader())), name.getKeyProperty("loader"));
        TokenCacheEntryMXBean bean = proxy(name);
        assertEquals("client-a", bean.getClientId());
        assertEquals("idp.example.invalid", bean.getEndpointHost());
        assertEquals(0, bean.getTokenRequests());
        assertEquals(-1, bean.getSecondsToExpiry());
        assertEquals("NONE", bean.getState());
        assertEquals(1, bean.getHandlers());
        cache.release(source);
    }

    @Test
    void get_tokenFetched_mbeanShowsRequestsExpiryAndNextRefresh() {
        TokenSource source = acquire(TestOptions.defaults());
        source.get(TIMEOUT_MS);
        TokenCacheEntryMXBean bean = proxy(cache.mbeanName(source));

        assertEquals(1, bean.getTokenRequests());
        assertEquals(0, bean.getFailures());
        assertNull(bean.getLastFailureReason());
        assertTrue(bean.getSecondsToExpiry() > 0, "seconds: " + bean.getSecondsToExpiry());
        assertEquals("FRESH", bean.getState());
        assertNotNull(bean.getSubject());
        Instant next = Instant.parse(bean.getNextRefresh());
        assertTrue(next.isAfter(time.now()) && next.isBefore(Instant.parse(bean.getExpiresAt())),
                "next refresh " + next);
        cache.release(source);
    }

    @Test
    void get_fetchFails_mbeanShowsFailureReasonWithoutSecret() {
        fetcher.thenFail(FakeFetcher.finalError("invalid_client from idp.example.invalid"));
        TokenSource source = acquire(TestOptions.defaults());
        TokenCacheEntryMXBean bean = proxy(cache.mbeanName(source));
        try {
            source.get(TIMEOUT_MS);
        } catch (RuntimeException expected) {
            // the failure is what the MBean must show
        }

        assertEquals(1, bean.getFailures());
        assertTrue(bean.getLastFailureReason().contains("invalid_client"));
        assertFalse(bean.getLastFailureReason().contains("secret-a"));
        cache.release(source);
    }

    @Test
    void invalidate_throughJmx_dropsTokenAndNextGetFetches() throws Exception {
        TokenSource source = acquire(TestOptions.defaults());
        source.get(TIMEOUT_MS);
        ObjectName name = cache.mbeanName(source);

        server.invoke(name, "invalidate", null, null);

        assertEquals(-1, proxy(name).getSecondsToExpiry());
        source.get(TIMEOUT_MS);
        assertEquals(2, fetcher.calls());
        assertEquals(2, proxy(name).getTokenRequests());
        cache.release(source);
    }

    @Test
    void release_lastHandlerOfCache_unregistersEveryMBean() {
        TokenSource source = acquire(TestOptions.defaults());
        source.get(TIMEOUT_MS);
        ObjectName name = cache.mbeanName(source);

        cache.release(source);

        assertFalse(server.isRegistered(name));
        TokenSource again = acquire(TestOptions.defaults());
        ObjectName renamed = cache.mbeanName(again);
        assertTrue(server.isRegistered(renamed));
        assertNotEquals(name, renamed);
        cache.release(again);
    }

    @Test
    void expiry_entryReleasedWhileOthersOpen_mbeanUnregisteredAtExpiry() {
        TokenSource a = acquire(TestOptions.defaults());
        TokenSource b = acquire(clientB());
        a.get(TIMEOUT_MS);
        ObjectName nameA = cache.mbeanName(a);
        ObjectName nameB = cache.mbeanName(b);
        cache.release(a);
        assertTrue(server.isRegistered(nameA), "kept while its token is valid");

        time.advance(Duration.ofHours(2));
        proxy(nameB).getSecondsToExpiry(); // any read runs the cache's pending removals

        assertFalse(server.isRegistered(nameA));
        assertTrue(server.isRegistered(nameB));
        cache.release(b);
        assertFalse(server.isRegistered(nameB));
    }
}
