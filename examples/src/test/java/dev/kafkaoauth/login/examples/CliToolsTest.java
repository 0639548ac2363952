package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's console producer and consumer, each in a JVM of its own whose class path is what a
 * Kafka distribution's {@code libs} folder holds (kafka-tools, kafka-clients and the rest of
 * Kafka's jars with their dependencies, built by Maven into {@code target/kafka-dist/libs})
 * plus our core {@code all} jar only: none of this module's test libraries, neither our
 * unshaded classes nor nimbus-jose-jwt nor Caffeine. The all jar exists after core's
 * {@code package}, so in {@code mvn verify} of the whole build or with {@code -pl examples -am};
 * a run without it skips this test.
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
        List<Path> classPath = KafkaDistribution.classPath(List.of(allJar));
        String bootstrap = broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH);

        KafkaDistribution.Result produced = KafkaDistribution.run(classPath, dir,
                "hello from the console producer\n", List.of(),
                "org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server", bootstrap,
                "--topic", TOPIC, "--producer.config", config.toString());
        assertEquals(0, produced.code(), produced.out() + produced.err());

        KafkaDistribution.Result consumed = KafkaDistribution.run(classPath, dir, "", List.of(),
                "org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server",
                bootstrap, "--topic", TOPIC, "--from-beginning", "--max-messages", "1",
                "--timeout-ms", "30000", "--consumer.config", config.toString());
        assertEquals(0, consumed.code(), consumed.out() + consumed.err());
        assertTrue(consumed.out().lines().anyMatch("hello from the console producer"::equals),
                consumed.out() + consumed.err());
        // Both tools logged in over the OAuth listener with a token of our handler.
        assertTrue(broker.seenPrincipals().stream().filter("cli"::equals).count() >= 2,
                broker.seenPrincipals().toString());
    }
}
