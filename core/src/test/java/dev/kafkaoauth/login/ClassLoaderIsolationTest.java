package dev.kafkaoauth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTParser;
import dev.kafkaoauth.login.testkit.IsolatedLogin;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.simple.SimpleLogger;

/**
 * Two plugin-like class loaders, each with its own copy of our classes and dependencies and
 * kafka-clients from a shared parent, as in a Kafka Connect worker. They work side by side, and
 * once their handlers are closed nothing (thread, timer, MBean, static) keeps them reachable.
 */
class ClassLoaderIsolationTest {

    private static final long COLLECT_TIMEOUT_MS = 20_000;

    @TempDir
    Path dir;

    private static List<URL> libraryUrls() {
        return IsolatedLogin.urls(IsolatedLogin.pathOf(OAuthLoginCallbackHandler.class),
                IsolatedLogin.pathOf(JWTParser.class), IsolatedLogin.pathOf(Caffeine.class),
                IsolatedLogin.pathOf(LoggerFactory.class),
                IsolatedLogin.pathOf(SimpleLogger.class));
    }

    private static URLClassLoader kafkaLoader(String name) {
        return IsolatedLogin.isolated(name,
                IsolatedLogin.urls(IsolatedLogin.pathOf(AppInfoParser.class)));
    }

    @Test
    void twoPluginLoaders_sideBySide_workAndAreCollectedAfterClose() throws Exception {
        try (URLClassLoader kafka = kafkaLoader("kafka-clients")) {
            WeakReference<ClassLoader> a = runPlugin(kafka, "plugin-a", "subject-a");
            WeakReference<ClassLoader> b = runPlugin(kafka, "plugin-b", "subject-b");

            long deadline = System.nanoTime() + COLLECT_TIMEOUT_MS * 1_000_000;
            while ((a.get() != null || b.get() != null) && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            assertNull(a.get(), "plugin-a's class loader is still reachable");
            assertNull(b.get(), "plugin-b's class loader is still reachable");
        }
    }

    /** Loads, uses and closes a handler in a loader of its own; returns a weak reference. */
    private WeakReference<ClassLoader> runPlugin(ClassLoader kafka, String name, String subject)
            throws Exception {
        Path token = IsolatedLogin.writeTokenFile(dir, subject, 3600);
        URLClassLoader plugin = IsolatedLogin.child(name, libraryUrls(), kafka);
        Object first = IsolatedLogin.configure(plugin, IsolatedLogin.HANDLER, token, Map.of());
        Object second = IsolatedLogin.configure(plugin, IsolatedLogin.HANDLER, token, Map.of());
        assertEquals(plugin, first.getClass().getClassLoader());
        assertNotSame(OAuthLoginCallbackHandler.class, first.getClass());
        assertEquals(subject, IsolatedLogin.principal(first));
        assertEquals(subject, IsolatedLogin.principal(second));
        assertEquals(1, mbeansOf(plugin).size(), "one shared cache entry per loader");
        IsolatedLogin.close(first);
        IsolatedLogin.close(second);
        assertEquals(Set.of(), mbeansOf(plugin));
        plugin.close();
        return new WeakReference<>(plugin);
    }

    private static Set<ObjectName> mbeansOf(ClassLoader loader) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return server.queryNames(new ObjectName("dev.kafkaoauth.login:type=TokenCache,*"), null)
                .stream().filter(n -> n.getKeyProperty("loader").equals(
                        Integer.toHexString(System.identityHashCode(loader))))
                .collect(Collectors.toSet());
    }

    @Test
    void handle_callbackOfAnotherKafkaClientsCopy_errorNamesCallbackAndBothLoaders()
            throws Exception {
        Path token = IsolatedLogin.writeTokenFile(dir, "subject-c", 3600);
        try (URLClassLoader kafka = kafkaLoader("worker-kafka-clients");
                URLClassLoader otherKafka = kafkaLoader("plugin-kafka-clients");
                URLClassLoader plugin = IsolatedLogin.child("plugin-c", libraryUrls(), kafka)) {
            Object handler = IsolatedLogin.configure(plugin, IsolatedLogin.HANDLER, token,
                    Map.of());
            try {
                String callbackClass =
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback";
                Callback foreign = (Callback) otherKafka.loadClass(callbackClass)
                        .getConstructor().newInstance();

                UnsupportedCallbackException e = unsupported(handler, foreign);

                String m = e.getMessage();
                assertTrue(m.contains(callbackClass), m);
                assertTrue(m.contains("'plugin-kafka-clients' " + otherKafka), m);
                assertTrue(m.contains("'plugin-c' " + plugin), m);
                assertTrue(m.contains("'worker-kafka-clients' " + kafka), m);
                assertEquals(foreign, e.getCallback());
            } finally {
                IsolatedLogin.close(handler);
            }
        }
    }

    private static UnsupportedCallbackException unsupported(Object handler, Callback callback)
            throws Exception {
        try {
            ((CallbackHandler) handler).handle(new Callback[] {callback});
        } catch (UnsupportedCallbackException e) {
            return e;
        }
        throw new AssertionError("the callback was accepted");
    }
}
