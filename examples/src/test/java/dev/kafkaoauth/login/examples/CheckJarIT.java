package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.kafkaoauth.login.examples.check.CheckCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged check jar, run as users run it ({@code java -jar ...-check.jar}) in a child JVM
 * without this build's class path or system properties: it holds all it needs, logs in to the
 * embedded broker, and keeps standard output free of log lines.
 */
class CheckJarIT {

    @TempDir
    static Path dir;

    private static EmbeddedOAuthServer idp;
    private static EmbeddedKafkaBroker broker;
    private static CheckServers servers;

    private record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        servers = CheckServers.start();
        idp = servers.idp();
        broker = servers.broker();
    }

    @AfterAll
    static void stop() throws Exception {
        servers.close();
    }

    private static Result runJar(String properties, String... flags) throws Exception {
        Path jar = Paths.get(System.getProperty("check.jar"));
        assertTrue(Files.isRegularFile(jar), "no check jar at " + jar + ": run mvn verify");
        Path file = Files.createTempFile(dir, "client", ".properties");
        Files.writeString(file, properties, StandardCharsets.ISO_8859_1);
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), file.toString()));
        command.addAll(List.of(flags));
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the check jar did not end within 90 s");
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        // Shown in the build log: the README's sample output comes from here.
        System.out.println("$ java -jar " + jar.getFileName() + " client.properties "
                + String.join(" ", flags) + "\n" + r.out + "(exit " + r.code + ")");
        CheckCommandTest.assertNoSecret(r.out + r.err);
        return r;
    }

    @Test
    void checkJar_goodSetupWithConnect_passesWithCleanOutput() throws Exception {
        String props = CheckCommandTest.properties(CheckCommandTest.CORE,
                idp.tokenEndpointUrl(), broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH), "");
        Result r = runJar(props, "--connect", "--timeout", "20");
        assertEquals(CheckCommand.OK, r.code, r.out + r.err);
        assertTrue(r.out.contains("PASS   5 broker-login  Logged in to cluster"), r.out);
        assertEquals("", r.err, "standard error should be empty");
    }

    @Test
    void checkJar_kafkaHandlerWithoutAllowList_failsAsJson() throws Exception {
        String props = CheckCommandTest.properties(CheckCommandTest.KAFKA_HANDLER,
                idp.tokenEndpointUrl(), broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH), "");
        Result r = runJar(props, "--json", "--strict");
        assertEquals(CheckCommand.FAILED, r.code, r.out + r.err);
        Map<String, Object> json = JSONObjectUtils.parse(r.out);
        assertEquals("FAIL", json.get("verdict"));
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) JSONObjectUtils
                .getJSONArray(json, "steps").get(0);
        assertEquals("FAIL", config.get("status"));
        assertTrue(String.valueOf(config.get("remedy")).startsWith("start the JVM with"
                + " -Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=" + idp.tokenEndpointUrl()),
                r.out);
        assertFalse(r.err.contains("SLF4J"), r.err);
    }
}
