package dev.kafkaoauth.login.examples;

import dev.kafkaoauth.login.examples.check.CheckCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check command run from Kafka's own tooling as README's check section shows it:
 * {@code CLASSPATH} holds the confluent {@code all} jar and the examples jar, nothing else of
 * ours, and {@code kafka-run-class.sh} adds its {@code libs} folder (here the one Maven builds
 * into {@code target/kafka-dist/libs}). A child JVM with that class path, against the embedded
 * OAuth server and broker. The jars exist after {@code package}: this runs in {@code verify}.
 */
class CheckKafkaRunClassIT {

    private static final String MAIN = "dev.kafkaoauth.login.examples.check.CheckCommand";
    private static final String ALLOWED_URLS = "org.apache.kafka.sasl.oauthbearer.allowed.urls";

    @TempDir
    static Path dir;

    private static CheckServers servers;
    private static List<Path> classPath;

    @BeforeAll
    static void start() throws Exception {
        // README: CLASSPATH=kafka-oauth-login-confluent-VERSION-all.jar:kafka-oauth-login-
        // examples-VERSION.jar; the confluent all jar holds core too.
        classPath = KafkaDistribution.classPath(List.of(
                Path.of(System.getProperty("confluent.all.jar")),
                Path.of(System.getProperty("examples.jar"))));
        servers = CheckServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    /** {@code kafka-run-class.sh CheckCommand client.properties --connect}, as README has it. */
    private static CheckCommandTest.Run runClass(String handler, List<String> jvmOptions)
            throws Exception {
        Path file = Files.createTempFile(dir, "client", ".properties");
        Files.writeString(file, CheckCommandTest.properties(handler,
                servers.idp().tokenEndpointUrl(),
                servers.broker().bootstrapServers(EmbeddedKafkaBroker.OAUTH), ""),
                StandardCharsets.ISO_8859_1);
        KafkaDistribution.Result r = KafkaDistribution.run(classPath, dir, "", jvmOptions, MAIN,
                file.toString(), "--connect");
        CheckCommandTest.assertNoSecret(r.out() + r.err());
        return new CheckCommandTest.Run(r.code(), r.out() + r.err());
    }

    @Test
    void kafkaRunClass_readmeClassPathWithConnect_passesEveryStep() throws Exception {
        runClass(CheckCommandTest.CORE, List.of()).assertCode(CheckCommand.OK)
                .assertStep("PASS", "1 configuration").assertStep("PASS", "2 token-request")
                .assertStep("PASS", "3 token").assertStep("PASS", "4 extensions")
                .assertStep("PASS", "5 broker-login")
                .assertContains("Logged in to cluster", "verdict: PASS (exit 0)");
    }

    @Test
    void kafkaRunClass_kafkaHandlerWithConnect_passesOnKafkasJars() throws Exception {
        // README: Kafka's own handler needs Kafka's jars (Jackson, jose4j) for --connect; its
        // allow-list comes as a system property, which kafka-run-class.sh takes from KAFKA_OPTS.
        runClass(CheckCommandTest.KAFKA_HANDLER,
                List.of("-D" + ALLOWED_URLS + "=" + servers.idp().tokenEndpointUrl()))
                .assertCode(CheckCommand.OK)
                .assertStep("PASS", "1 configuration").assertStep("PASS", "5 broker-login")
                .assertContains("verdict: PASS (exit 0)");
    }
}
