package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.examples.keycloak.KeycloakAdmin;
import dev.kafkaoauth.login.examples.keycloak.KeycloakExtension;
import dev.kafkaoauth.login.examples.keycloak.KeycloakServer;
import dev.kafkaoauth.login.examples.keycloak.TestKeys;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The copy-paste samples in {@code examples/config}: each one is accepted by its handler's
 * configure() as a Kafka client would pass it, names its provider's documented token endpoint
 * shape, and the Keycloak ones (and the workload identity one, through Kafka's
 * EnvVarConfigProvider in a JVM with the pod's environment) log in to a local Keycloak for
 * real. Only hosts, ports and key file paths are rewritten.
 */
@ExtendWith(KeycloakExtension.class)
class ProviderSamplesTest {

    private static final Path CONFIG = Path.of("config").toAbsolutePath();
    private static final Pattern SECRET_FILE =
            Pattern.compile("/etc/kafka/secrets/[A-Za-z0-9._-]+\\.(key|cert)\\.pem");
    private static final String KEYCLOAK_HOST = "https://keycloak.example.com";
    /** The token endpoint (or issuer) each provider documents, with placeholders. */
    private static final Map<String, Pattern> ENDPOINT_SHAPES = Map.of(
            "keycloak", Pattern.compile("https://[^/]+/realms/[^/]+(/protocol/openid-connect"
                    + "/token)?"),
            "okta", Pattern.compile("https://[^/]+/oauth2/[^/]+/v1/token"),
            "entra", Pattern.compile("https://login\\.microsoftonline\\.com/[^/]+/oauth2/v2\\.0"
                    + "/token"),
            "auth0", Pattern.compile("https://[^/]+\\.auth0\\.com/oauth/token"));

    @TempDir
    static Path dir;

    private static KeycloakServer keycloak;
    private static KeycloakAdmin admin;
    private static EmbeddedKafkaBroker broker;
    private static AllowedUrls allowed;
    private static TestKeys keys;

    @BeforeAll
    static void start(KeycloakServer server) throws Exception {
        keycloak = server;
        admin = new KeycloakAdmin(server);
        keys = TestKeys.rsa();
        broker = EmbeddedKafkaBroker.builder().jwksUrl(server.jwksUrl())
                .expectedIssuer(server.issuerUrl()).expectedAudience(KeycloakServer.AUDIENCE)
                .start();
        allowed = AllowedUrls.add(server.tokenEndpointUrl(), server.discoveryUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (allowed != null) {
            allowed.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static Stream<String> providerSamples() throws IOException {
        try (Stream<Path> files = Files.list(CONFIG)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".properties")).sorted().toList();
            for (String provider : List.of("keycloak-client-secret", "keycloak-private-key-jwt",
                    "okta-private-key-jwt", "entra-client-secret", "entra-certificate",
                    "entra-workload-identity", "auth0-client-secret")) {
                assertTrue(names.contains(provider + ".properties"), provider + " missing");
            }
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerSamples")
    void configure_sampleAsShipped_acceptedByItsHandler(String name) throws Exception {
        String text = withLocalFiles(Files.readString(CONFIG.resolve(name)));
        Properties p = properties(text);
        assertTrue(p.getProperty("sasl.login.callback.handler.class")
                .startsWith("dev.kafkaoauth.login."), name);
        String endpoint = endpointOf(p);
        Pattern shape = ENDPOINT_SHAPES.get(name.split("[-.]")[0]);
        if (shape != null) {
            assertTrue(shape.matcher(endpoint).matches(), name + ": " + endpoint);
        }
        if (text.contains("${env:")) {
            // Resolved in a JVM with the pod's environment: see the workload identity test.
            assertEquals("org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                    p.getProperty("config.providers.env.class"), name);
            return;
        }
        Map<String, Object> configs = SampleConfigs.asClientPasses(p);
        List<AppConfigurationEntry> jaas = SampleConfigs.jaasEntries(configs);
        AuthenticateCallbackHandler handler = SampleConfigs.newHandler(configs);
        // With issuerUrl, configure() checks the discovery document's URL against the list.
        try (AllowedUrls url = AllowedUrls.add(endpoint,
                endpoint + "/.well-known/openid-configuration")) {
            handler.configure(configs, "OAUTHBEARER", jaas);
        } finally {
            handler.close();
        }
    }

    @Test
    void producerAndConsumer_keycloakSecretSample_logsInAsKafkaClient() throws Exception {
        String subject = admin.serviceAccountUserId(admin.internalId(KeycloakServer.CLIENT_ID));

        runAgainstLocalKeycloak("keycloak-client-secret.properties", subject);
    }

    @Test
    void producerAndConsumer_keycloakPrivateKeyJwtSample_discoversAndLogsIn() throws Exception {
        Properties sample = properties(Files.readString(
                CONFIG.resolve("keycloak-private-key-jwt.properties")));
        String clientId = jaasOption(sample, "clientId");
        String id = admin.createServiceAccountClient(clientId, "client-jwt", Map.of(
                "jwt.credential.public.key", keys.publicKeyBase64(),
                "token.endpoint.auth.signing.alg", "RS256"));
        try {
            runAgainstLocalKeycloak("keycloak-private-key-jwt.properties",
                    admin.serviceAccountUserId(id));
        } finally {
            admin.deleteClient(id);
        }
    }

    @Test
    void login_entraWorkloadIdentitySampleWithPodEnvironment_sendsFederatedTokenFile()
            throws Exception {
        // Keycloak stands in for Entra: the assertion is the "federated token" of the pod.
        String clientId = "entra-workload-" + UUID.randomUUID().toString().substring(0, 8);
        String id = admin.createServiceAccountClient(clientId, "client-jwt", Map.of(
                "jwt.credential.public.key", keys.publicKeyBase64(),
                "jwt.credential.kid", keys.kid(),
                "token.endpoint.auth.signing.max.exp", "3600"));
        try {
            Path tokenFile = Files.writeString(dir.resolve("azure-identity-token"),
                    keys.assertion(clientId, keycloak.issuerUrl(), Duration.ofMinutes(30)));
            // The scope names an Entra resource; Keycloak's client knows the scope "kafka".
            Path sample = Files.writeString(dir.resolve("entra-workload-identity.properties"),
                    Files.readString(CONFIG.resolve("entra-workload-identity.properties"))
                            .replace("scope=\"api://YOUR_APP_ID_URI/.default\"",
                                    "scope=\"" + KeycloakServer.SCOPE + "\""));
            ProcessBuilder child = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-D" + AllowedUrls.PROPERTY + "=" + keycloak.tokenEndpointUrl(),
                    "-cp", System.getProperty("java.class.path"),
                    SampleLoginMain.class.getName(), sample.toString(),
                    keycloak.tokenEndpointUrl()).redirectErrorStream(true);
            child.environment().put("AZURE_CLIENT_ID", clientId);
            child.environment().put("AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000000");
            child.environment().put("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString());
            String output = run(child);

            assertTrue(output.contains("SAMPLE resolved clientId=" + clientId
                    + " clientAssertionFile=" + tokenFile), output);
            assertTrue(output.contains("SAMPLE OK principal=" + admin.serviceAccountUserId(id)),
                    output);
        } finally {
            admin.deleteClient(id);
        }
    }

    private static void runAgainstLocalKeycloak(String name, String expectedPrincipal)
            throws Exception {
        String text = withLocalFiles(Files.readString(CONFIG.resolve(name)))
                .replace(KEYCLOAK_HOST, keycloak.baseUrl());
        assertFalse(text.contains("example.com/realms"), "host not rewritten in " + name);
        Properties p = properties(text);
        p.setProperty("bootstrap.servers", broker.bootstrapServers(EmbeddedKafkaBroker.OAUTH));
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        Path file = dir.resolve("local-" + name);
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
        String topic = "sample-" + name.replace(".properties", "");
        broker.createTopic(topic, 1);
        int loginsBefore = broker.seenLogins().size();

        Demo.Result result = Demo.runOnCluster(file, topic);

        assertTrue(result.success(), name + ": " + result.failure());
        assertEquals(1, result.handlers().get(0).consumed());
        List<EmbeddedKafkaBroker.SeenLogin> logins = broker.seenLogins()
                .subList(loginsBefore, broker.seenLogins().size());
        assertFalse(logins.isEmpty(), "the broker saw no login");
        assertTrue(logins.stream().allMatch(l -> l.principal().equals(expectedPrincipal)),
                () -> "expected " + expectedPrincipal + ", saw " + logins);
    }

    /** The sample's key and certificate paths, pointed at files made for this run. */
    private static String withLocalFiles(String text) {
        Matcher m = SECRET_FILE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String local = dir.resolve(Path.of(m.group()).getFileName()).toString();
            if (m.group(1).equals("key")) {
                keys.writePrivateKey(Path.of(local));
            } else {
                keys.writeCertificate(Path.of(local));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(local));
        }
        return m.appendTail(out).toString();
    }

    private static Properties properties(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    private static String endpointOf(Properties p) {
        String url = p.getProperty("sasl.oauthbearer.token.endpoint.url");
        return url != null ? url : jaasOption(p, "issuerUrl");
    }

    private static String jaasOption(Properties p, String option) {
        Matcher m = Pattern.compile("\\b" + option + "=\"([^\"]*)\"")
                .matcher(p.getProperty("sasl.jaas.config"));
        assertTrue(m.find(), option + " not in sasl.jaas.config");
        return m.group(1);
    }

    private static String run(ProcessBuilder builder) throws Exception {
        Process child = builder.start();
        try {
            String output = new String(child.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child still running");
            assertNotNull(output);
            return output;
        } finally {
            child.destroyForcibly();
        }
    }
}
