package dev.kafkaoauth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.internal.Version;
import dev.kafkaoauth.login.testkit.IsolatedLogin;
import dev.kafkaoauth.login.testkit.ShadedJarInspector;
import java.io.File;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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
        assertLogsIn(dir, "shaded-core", jar, IsolatedLogin.pathOf(AppInfoParser.class),
                IsolatedLogin.pathOf(LoggerFactory.class));
    }

    /** The handler, loaded from these jars alone, logs in with a token file of the subject. */
    private static void assertLogsIn(Path dir, String subject, Path... jars) throws Exception {
        Path token = IsolatedLogin.writeTokenFile(dir, subject, 3600);
        try (URLClassLoader loader = IsolatedLogin.isolated(subject,
                IsolatedLogin.urls(jars))) {
            Object handler = IsolatedLogin.configure(loader, IsolatedLogin.HANDLER, token,
                    Map.of());
            try {
                assertEquals(loader, handler.getClass().getClassLoader());
                assertEquals(subject, IsolatedLogin.principal(handler));
            } finally {
                IsolatedLogin.close(handler);
            }
        }
    }

    /** The jars of our runtime dependencies as Maven resolves them for users of the pom. */
    private static List<Path> runtimeDependencies() {
        String classpath = System.getProperty("runtime.classpath");
        assertTrue(classpath != null && !classpath.isBlank(), "set by core/pom.xml: "
                + classpath);
        return Arrays.stream(classpath.split(File.pathSeparator)).map(Path::of)
                .collect(Collectors.toList());
    }

    @Test
    void thinJar_runtimeDependencies_areNimbusCaffeineAndSlf4jOnly() {
        Set<String> names = runtimeDependencies().stream()
                .map(p -> p.getFileName().toString().replaceAll("-[0-9][^-]*\\.jar$", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("nimbus-jose-jwt", "caffeine", "slf4j-api")), names);
    }

    @Test
    void thinJar_withOnlyItsRuntimeDependenciesAndKafka_logsInFromTokenFile(@TempDir Path dir)
            throws Exception {
        Path thin = Path.of(System.getProperty("thin.jar"));
        assertTrue(Files.isRegularFile(thin), "run by Failsafe after package: " + thin);
        List<Path> paths = new ArrayList<>(runtimeDependencies());
        paths.add(0, thin);
        paths.add(IsolatedLogin.pathOf(AppInfoParser.class));
        assertLogsIn(dir, "thin-core", paths.toArray(new Path[0]));
    }
}
