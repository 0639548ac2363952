package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A Kafka distribution's {@code libs} folder as Maven builds it into
 * {@code target/kafka-dist/libs} (examples pom, maven-assembly-plugin), and Kafka's tools run
 * from it in a child JVM the way {@code kafka-run-class.sh} does: {@code CLASSPATH} first,
 * then every jar of {@code libs}.
 */
final class KafkaDistribution {

    /** Packages that must not reach a child JVM: this build's test libraries, unshaded ours. */
    private static final Map<String, String> FOREIGN = Map.of(
            "org/junit/", "JUnit 5",
            "junit/framework/", "JUnit 4",
            "com/github/tomakehurst/wiremock/", "WireMock",
            "org/wiremock/", "WireMock",
            "no/nav/security/mock/oauth2/", "mock-oauth2-server",
            "tools/jackson/", "Jackson 3 (mock-oauth2-server's)",
            "kotlin/", "Kotlin (mock-oauth2-server's)",
            "com/nimbusds/", "unrelocated nimbus-jose-jwt",
            "com/github/benmanes/caffeine/", "unrelocated Caffeine");

    private static final String OURS = "dev/kafkaoauth/login/";

    /** Exit code, standard output and standard error of a child JVM. */
    record Result(int code, String out, String err) {
    }

    private KafkaDistribution() {
    }

    /** The jars of the libs folder, sorted by name; fails when Maven did not build it. */
    static List<Path> libs() throws IOException {
        Path dir = Path.of(System.getProperty("kafka.dist.libs", "target/kafka-dist/libs"));
        assertTrue(Files.isDirectory(dir), "no " + dir + ": run mvn verify (or test)");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
            String version = System.getProperty("kafka.version");
            for (String tool : List.of("kafka-tools-", "kafka-clients-")) {
                assertTrue(jars.contains(dir.resolve(tool + version + ".jar")),
                        tool + version + ".jar missing in " + jars);
            }
            return jars;
        }
    }

    /**
     * The class path of kafka-run-class.sh with {@code CLASSPATH} set to {@code ourJars}, after
     * asserting that only {@code ourJars} hold our classes and that no jar holds a class of
     * {@link #FOREIGN}.
     */
    static List<Path> classPath(List<Path> ourJars) throws IOException {
        List<Path> entries = new ArrayList<>(ourJars);
        entries.addAll(libs());
        Map<String, String> found = new TreeMap<>();
        for (Path jar : entries) {
            assertTrue(Files.isRegularFile(jar), "no jar at " + jar);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.stream().map(e -> e.getName()).forEach(name -> {
                    FOREIGN.forEach((prefix, what) -> {
                        if (name.startsWith(prefix)) {
                            found.putIfAbsent(jar.getFileName() + ": " + what, name);
                        }
                    });
                    if (name.startsWith(OURS) && !ourJars.contains(jar)) {
                        found.putIfAbsent(jar.getFileName() + ": our classes", name);
                    }
                });
            }
        }
        assertEquals(Map.of(), found, "classes that a Kafka distribution does not hold");
        return entries;
    }

    /** Runs {@code java -cp classPath main args} with this input, waiting at most 90 s. */
    static Result run(List<Path> classPath, Path dir, String input, List<String> jvmOptions,
            String... mainAndArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator,
                classPath.stream().map(Path::toString).toList()));
        command.addAll(List.of(mainAndArgs));
        Path in = Files.createTempFile(dir, "in", ".txt");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Files.writeString(in, input, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(command).redirectInput(in.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "still running after 90 s: "
                    + String.join(" ", mainAndArgs) + "\n" + Files.readString(err));
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }
}
