package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's console producer and consumer, each in a JVM of its own whose class path is what a
 * Kafka distribution's {@code libs} folder holds (kafka-clients, kafka-tools and their
 * dependencies) plus our core {@code all} jar only: neither our unshaded classes nor
 * nimbus-jose-jwt nor Caffeine. The all jar exists after {@code package}: in {@code mvn verify}
 * of the whole build; a bare {@code test} run skips this test.
 */
class CliToolsTest {

    private static final String AUDIENCE = "kafka";
    private static final String TOPIC = "cli-tools";

    private static EmbeddedOAuthServer idp;
    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        idp = EmbeddedOAuthServer.start().audience(AUDIENCE);
        broker = EmbeddedKafkaBroker.builder().oauthServer(idp).expectedAudience(AUDIENCE)
                .start();
        broker.createTopic(TOPIC, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void consoleProducerAndConsumer_distributionClassPathWithAllJar_roundTripARecord()
            throws Exception {
        Path allJar = Path.of(System.getProperty("core.all.jar"));
        assumeTrue(Files.isRegularFile(allJar), "needs the all jar from package: " + allJar);
        Path config = dir.resolve("client.properties");
        Files.writeString(config, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=OAUTHBEARER",
                "sasl.login.callback.handler.class=dev.kafkaoauth.login.OAuthLoginCallbackHandler",
                "sasl.oauthbearer.token.endpoint.url=" + idp.tokenEndpointUrl(),
                "sasl.jaas.config=org.apache.kafka.common.security.oauthbearer"
                        + ".OAuthBearerLoginModule required clientId=\"cli\""
                        + " clientSecret=\"cli-secret\" scope=\"kafka\";",
                ""));
        String classPath = distributionClassPath(allJar);
        String bootstrap = broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH);

        Result produced = run(classPath, "hello from the console producer\n",
                "org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server", bootstrap,
                "--topic", TOPIC, "--producer.config", config.toString());
        assertEquals(0, produced.exitCode, produced.output);

        Result consumed = run(classPath, "",
                "org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server",
                bootstrap, "--topic", TOPIC, "--from-beginning", "--max-messages", "1",
                "--timeout-ms", "30000", "--consumer.config", config.toString());
        assertEquals(0, consumed.exitCode, consumed.output);
        assertTrue(consumed.output.contains("hello from the console producer"),
                consumed.output);
    }

    /** This JVM's class path without our classes and the libraries the all jar bundles. */
    private static String distributionClassPath(Path allJar) {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(e).toString().replace(File.separatorChar, '/');
            boolean ours = name.contains("/kafka-oauth-login-") || name.endsWith("/classes")
                    || name.endsWith("/test-classes");
            boolean bundled = name.contains("/nimbus-jose-jwt-")
                    || name.contains("/caffeine-");
            if (!ours && !bundled) {
                entries.add(e);
            }
        }
        entries.add(allJar.toString());
        return String.join(File.pathSeparator, entries);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String classPath, String input, String... mainAndArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath));
        command.addAll(Arrays.asList(mainAndArgs));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + output);
            return new Result(p.exitValue(), output.lines().collect(Collectors.joining("\n")));
        } finally {
            p.destroyForcibly();
        }
    }
}
