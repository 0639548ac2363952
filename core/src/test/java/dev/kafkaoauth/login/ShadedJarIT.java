package dev.kafkaoauth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.internal.Version;
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

/** The {@code all} jar that {@code package} made: self-contained, relocated, and it logs in. */
class ShadedJarIT {

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
    }

    @Test
    void allJar_contents_handlerAndRelocatedLibrariesWithoutKafkaOrSlf4j() {
        assertTrue(inspector.hasClass(OAuthLoginCallbackHandler.class.getName()));
        assertTrue(inspector.hasClass("dev.kafkaoauth.login.shaded.com.nimbusds.jwt.JWTParser"));
        assertTrue(inspector.hasClass(
                "dev.kafkaoauth.login.shaded.com.github.benmanes.caffeine.cache.Caffeine"));
        assertTrue(inspector.classes().stream().noneMatch(c -> c.startsWith("org/")),
                "no org/apache/kafka, no org/slf4j");
        assertTrue(inspector.resources().contains("META-INF/LICENSE"));
        assertTrue(inspector.resources().contains("META-INF/THIRD-PARTY.txt"));
        assertTrue(inspector.resources().contains("dev/kafkaoauth/login/version.properties"));
    }

    @Test
    void allJar_manifest_namesModuleAndVersion() {
        assertEquals("dev.kafkaoauth.login",
                inspector.manifestAttribute("Automatic-Module-Name"));
        assertEquals(Version.get(), inspector.manifestAttribute("Implementation-Version"));
        assertNotEquals("unknown", Version.get());
    }

    @Test
    void allJar_aloneWithKafkaAndSlf4j_logsInFromTokenFile(@TempDir Path dir) throws Exception {
        Path token = IsolatedLogin.writeTokenFile(dir, "shaded-core", 3600);
        try (URLClassLoader loader = IsolatedLogin.isolated("all-jar", IsolatedLogin.urls(jar,
                IsolatedLogin.pathOf(AppInfoParser.class),
                IsolatedLogin.pathOf(LoggerFactory.class)))) {
            Object handler = IsolatedLogin.configure(loader, IsolatedLogin.HANDLER, token,
                    Map.of());
            try {
                assertEquals(loader, handler.getClass().getClassLoader());
                assertEquals("shaded-core", IsolatedLogin.principal(handler));
            } finally {
                IsolatedLogin.close(handler);
            }
        }
    }
}
