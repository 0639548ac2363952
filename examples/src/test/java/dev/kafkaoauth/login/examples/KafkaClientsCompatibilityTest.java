package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTParser;
import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The oldest and newest supported kafka-clients against the embedded 4.3.1 broker, each in a
 * JVM of its own whose class path holds that kafka-clients, our classes and our runtime
 * dependencies only ({@link CompatClientMain}). The child checks the version it really ran.
 */
class KafkaClientsCompatibilityTest {

    private static final String AUDIENCE = "kafka";
    private static final long TOKEN_LIFETIME_SECONDS = 8;

    private static EmbeddedOAuthServer idp;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        idp = EmbeddedOAuthServer.start().tokenLifetimeSeconds(TOKEN_LIFETIME_SECONDS)
                .audience(AUDIENCE);
        broker = EmbeddedKafkaBroker.builder().oauthServer(idp).expectedAudience(AUDIENCE)
                .start();
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

    static Stream<Arguments> versions() {
        String oldest = System.getProperty("kafka.oldest.version");
        String newest = System.getProperty("kafka.newest.version");
        return Stream.of(Arguments.of(oldest, "client_secret_basic"),
                Arguments.of(newest, "client_secret_basic"),
                Arguments.of(oldest, "private_key_jwt"), Arguments.of(newest, "private_key_jwt"));
    }

    @ParameterizedTest(name = "kafka-clients {0}, {1}")
    @MethodSource("versions")
    void smokeRun_forkedJvmWithKafkaClientsVersion_logsInProducesConsumesAndRefreshes(
            String version, String authMethod, @TempDir Path dir) throws Exception {
        String topic = "compat-" + version.replace('.', '-') + "-" + authMethod.charAt(7);
        broker.createTopic(topic, 1);
        Path kafkaJar = Path.of(System.getProperty("kafka.compat.dir"),
                "kafka-clients-" + version + ".jar");
        assertTrue(Files.isRegularFile(kafkaJar), "copied by the build: " + kafkaJar);
        List<String> classPath = new ArrayList<>();
        classPath.add(kafkaJar.toString());
        for (Class<?> type : List.of(OAuthLoginCallbackHandler.class, JWTParser.class,
                Caffeine.class, LoggerFactory.class, org.slf4j.simple.SimpleLogger.class,
                CompatClientMain.class)) {
            classPath.add(pathOf(type));
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", String.join(File.pathSeparator, classPath),
                CompatClientMain.class.getName(), version,
                broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH), idp.tokenEndpointUrl(),
                topic, keyFile(authMethod, dir), idp.issuerUrl()).redirectErrorStream(true)
                .start();
        String output;
        try {
            byte[] bytes = child.getInputStream().readAllBytes();
            output = new String(bytes, StandardCharsets.UTF_8);
            assertTrue(child.waitFor(90, TimeUnit.SECONDS), "child still running");
        } finally {
            child.destroyForcibly();
        }
        List<String> lines = output.lines().collect(Collectors.toList());
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertEquals(0, child.exitValue(), output);
        assertTrue(last.startsWith("COMPAT OK version=" + version + " "), output);
    }

    /** A new RSA key as a PKCS#8 PEM file for private_key_jwt, or "-" for the secret. */
    private static String keyFile(String authMethod, Path dir) throws Exception {
        if (!"private_key_jwt".equals(authMethod)) {
            return "-";
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                g.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(dir.resolve("compat-key.pem"), pem).toString();
    }

    private static String pathOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }
}
