package dev.kafkaoauth.login.internal;

import dev.kafkaoauth.login.TokenCacheEntryMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MBeans of one token cache, one per cached credential set. JMX problems are logged and
 * never fail a login. The MBean server holds our objects, and through them this class loader:
 * every MBean is unregistered when its entry leaves the cache and when the last handler of the
 * cache closes, so that an undeployed plugin's loader can be collected.
 */
final class TokenCacheMBeans {

    static final String DOMAIN = "dev.kafkaoauth.login";

    private static final Logger log = LoggerFactory.getLogger(TokenCacheMBeans.class);
    private static final AtomicInteger CACHE_IDS = new AtomicInteger();

    private final String cacheId;
    private final AtomicLong keyIds = new AtomicLong();
    private final Map<TokenSource, Registration> registered = new ConcurrentHashMap<>();
    private final Runnable cleanUp;

    private record Registration(ObjectName name, Labels labels) {
    }

    /** What the MBean shows besides the source's own figures. */
    record Labels(String clientId, String endpointHost, String subClaimName) {
    }

    /**
     * @param cleanUp runs the cache's pending removals, so that a read never shows an entry
     *     that has already expired
     */
    TokenCacheMBeans(Runnable cleanUp) {
        this.cacheId = Integer.toString(CACHE_IDS.getAndIncrement());
        this.cleanUp = cleanUp;
    }

    /** Registers the source's MBean unless it is registered already. */
    void ensureRegistered(TokenSource source, Labels labels) {
        if (registered.containsKey(source)) {
            return;
        }
        try {
            ObjectName name = nameFor(labels.clientId());
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.registerMBean(new Entry(source, labels, cleanUp), name);
            if (registered.putIfAbsent(source, new Registration(name, labels)) != null) {
                unregisterQuietly(server, name); // a concurrent acquire won
            }
        } catch (JMException | RuntimeException | LinkageError e) {
            log.warn("Could not register the JMX MBean of the token cache entry of client {}"
                    + " at {}; logins are not affected: {}", labels.clientId(),
                    labels.endpointHost(), e.toString());
        }
    }

    /** Unregisters the source's MBean, if it has one. */
    void unregister(TokenSource source) {
        Registration r = registered.remove(source);
        if (r != null) {
            unregisterQuietly(null, r.name);
        }
    }

    /** Unregisters every MBean of the cache. */
    void unregisterAll() {
        registered.keySet().forEach(this::unregister);
    }

    /** Names of the registered MBeans, for tests. */
    ObjectName nameOf(TokenSource source) {
        Registration r = registered.get(source);
        return r == null ? null : r.name;
    }

    private ObjectName nameFor(String clientId) throws JMException {
        ClassLoader loader = TokenCacheMBeans.class.getClassLoader();
        // One name space per class loader: two plugins with the same client id never clash.
        return new ObjectName(DOMAIN + ":type=TokenCache,loader="
                + Integer.toHexString(System.identityHashCode(loader)) + ",cache=" + cacheId
                + ",clientId=" + ObjectName.quote(clientId == null ? "" : clientId)
                + ",key=" + keyIds.incrementAndGet());
    }

    private static void unregisterQuietly(MBeanServer server, ObjectName name) {
        try {
            MBeanServer s = server != null ? server : ManagementFactory.getPlatformMBeanServer();
            if (s.isRegistered(name)) {
                s.unregisterMBean(name);
            }
        } catch (JMException | RuntimeException | LinkageError e) {
            log.debug("Could not unregister the JMX MBean {}: {}", name, e.toString());
        }
    }

    /** The MBean of one entry; it reads the source at each call. */
    static final class Entry implements TokenCacheEntryMXBean {
        private final TokenSource source;
        private final Labels labels;
        private final Runnable cleanUp;

        Entry(TokenSource source, Labels labels, Runnable cleanUp) {
            this.source = source;
            this.labels = labels;
            this.cleanUp = cleanUp;
        }

        @Override
        public String getClientId() {
            return labels.clientId();
        }

        @Override
        public String getEndpointHost() {
            return labels.endpointHost();
        }

        @Override
        public long getTokenRequests() {
            return source.requests();
        }

        @Override
        public long getFailures() {
            return source.failures();
        }

        @Override
        public String getLastFailureReason() {
            return source.lastFailure();
        }

        @Override
        public long getSecondsToExpiry() {
            cleanUp.run();
            return source.secondsToExpiry();
        }

        @Override
        public String getExpiresAt() {
            return text(source.effectiveExpiry());
        }

        @Override
        public String getNextRefresh() {
            return text(source.nextRefresh());
        }

        @Override
        public String getState() {
            cleanUp.run();
            return source.state().name();
        }

        @Override
        public String getSubject() {
            TokenSource.Entry e = source.current();
            return e == null ? null : e.token().subject(labels.subClaimName());
        }

        @Override
        public int getHandlers() {
            return source.holders();
        }

        @Override
        public void invalidate() {
            log.info("Token of client {} at {} invalidated through JMX", labels.clientId(),
                    labels.endpointHost());
            source.invalidate();
        }

        private static String text(Instant instant) {
            return instant == null ? null : instant.toString();
        }
    }
}
