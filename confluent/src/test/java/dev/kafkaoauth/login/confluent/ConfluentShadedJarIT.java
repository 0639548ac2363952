package dev.kafkaoauth.login.confluent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.testkit.IsolatedLogin;
import dev.kafkaoauth.login.testkit.ShadedJarInspector;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The Confluent {@code all} jar holds core too: one jar for Confluent Cloud users. */
class ConfluentShadedJarIT {

    private static Path jar;
    private static ShadedJarInspector inspector;

    @BeforeAll
    static void open() throws Exception {
        jar = Path.of(System.getProperty("shaded.jar"));
        assertTrue(Files.isRegularFile(jar), "run by Failsafe after package: " + jar);
        inspector = new ShadedJarInspector(jar);
    }

    @Test
    void allJar_everyClass_isOursOrRelocated() {
        assertEquals(List.of(), inspector.problems());
        assertTrue(inspector.classes().stream().noneMatch(c -> c.startsWith("org/")),
                "no org/apache/kafka, no org/slf4j");
    }

    @Test
    void allJar_contents_bothHandlersAndRelocatedLibraries() {
        assertTrue(inspector.hasClass(ConfluentCloudLoginCallbackHandler.class.getName()));
        assertTrue(inspector.hasClass(IsolatedLogin.HANDLER));
        assertTrue(inspector.hasClass("dev.kafkaoauth.login.shaded.com.nimbusds.jwt.JWTParser"));
        assertTrue(inspector.hasClass(
                "dev.kafkaoauth.login.shaded.com.github.benmanes.caffeine.cache.Caffeine"));
        assertTrue(inspector.resources().contains("META-INF/LICENSE"));
        assertEquals("dev.kafkaoauth.login.confluent",
                inspector.manifestAttribute("Automatic-Module-Name"));
        assertTrue(inspector.manifestAttribute("Implementation-Version") != null);
    }

    @Test
    void allJar_aloneWithKafkaAndSlf4j_confluentHandlerLogsIn(@TempDir Path dir)
            throws Exception {
        Path token = IsolatedLogin.writeTokenFile(dir, "shaded-confluent", 3600);
        try (URLClassLoader loader = IsolatedLogin.isolated("confluent-all-jar",
                IsolatedLogin.urls(jar, IsolatedLogin.pathOf(AppInfoParser.class),
                        IsolatedLogin.pathOf(LoggerFactory.class)))) {
            Object handler = IsolatedLogin.configure(loader,
                    ConfluentCloudLoginCallbackHandler.class.getName(), token,
                    Map.of("logicalCluster", "lkc-abc123"));
            try {
                assertEquals(loader, handler.getClass().getClassLoader());
                assertEquals("shaded-confluent", IsolatedLogin.principal(handler));
            } finally {
                IsolatedLogin.close(handler);
            }
        }
    }
}
