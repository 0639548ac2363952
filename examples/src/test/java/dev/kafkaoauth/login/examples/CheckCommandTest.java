package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.kafkaoauth.login.examples.check.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check command in this JVM against the embedded OAuth server and broker, and a stub token
 * endpoint for tokens the server does not issue: good and broken set-ups, each with its verdict,
 * exit code and remedy, and never a secret or a token in the output.
 */
class CheckCommandTest {

    static final String SECRET = "s3cret-" + UUID.randomUUID();
    static final String CORE = "dev.kafkaoauth.login.OAuthLoginCallbackHandler";
    static final String CONFLUENT =
            "dev.kafkaoauth.login.confluent.ConfluentCloudLoginCallbackHandler";
    static final String KAFKA_HANDLER =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";
    private static final String BROKER_WAIT_SECONDS = "10";

    @TempDir
    static Path dir;

    private static EmbeddedOAuthServer idp;
    private static EmbeddedKafkaBroker broker;
    private static CheckServers servers;
    private static StubTokenEndpoint stub;
    private static AllowedUrls allowed;

    /** A run: exit code and standard output. */
    record Run(int code, String out) {
        Run assertCode(int expected) {
            assertEquals(expected, code, out);
            return this;
        }

        /** The line of the step with this number and name, e.g. "3 token". */
        Run assertStep(String status, String step) {
            assertTrue(Pattern.compile("(?m)^" + status + " +" + step.replace(" ", " +") + " ")
                    .matcher(out).find(), "expected " + status + " " + step + " in\n" + out);
            return this;
        }

        Run assertContains(String... parts) {
            for (String p : parts) {
                assertTrue(out.contains(p), "expected '" + p + "' in\n" + out);
            }
            return this;
        }

        /** The remedy lines, in order. */
        List<String> remedies() {
            Matcher m = Pattern.compile("(?m)^ +remedy: (.*)$").matcher(out);
            return m.results().map(r -> r.group(1)).toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        servers = CheckServers.start();
        idp = servers.idp();
        broker = servers.broker();
        stub = StubTokenEndpoint.start();
        // The broker set the JVM-wide allow-list for its JWKS; our handler honours it too.
        allowed = AllowedUrls.add(idp.tokenEndpointUrl(), stub.url());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            allowed.close();
            stub.close();
        } finally {
            servers.close();
        }
    }

    static String properties(String handler, String tokenUrl, String bootstrap, String jaas) {
        return "security.protocol=SASL_PLAINTEXT\n"
                + "sasl.mechanism=OAUTHBEARER\n"
                + "bootstrap.servers=" + bootstrap + "\n"
                + "sasl.login.callback.handler.class=" + handler + "\n"
                + "sasl.oauthbearer.token.endpoint.url=" + tokenUrl + "\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.oauthbearer"
                + ".OAuthBearerLoginModule required clientId=\"check-" + UUID.randomUUID()
                + "\" clientSecret=\"" + SECRET + "\" scope=\"kafka\" " + jaas + ";\n";
    }

    private static String idpProperties(String handler, String listener, String jaas) {
        return properties(handler, idp.tokenEndpointUrl(), broker.bootstrapServers(listener),
                jaas);
    }

    private static String stubProperties(String jaas) {
        return properties(CORE, stub.url(), "127.0.0.1:9", jaas);
    }

    static Run check(String properties, String... flags) throws Exception {
        Path file = Files.createTempFile(dir, "client", ".properties");
        Files.writeString(file, properties, StandardCharsets.ISO_8859_1);
        String[] args = new String[flags.length + 1];
        args[0] = file.toString();
        System.arraycopy(flags, 0, args, 1, flags.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertNoSecret(text);
        return new Run(code, text);
    }

    /** Neither the secret nor any JWT (every one starts with the base64 of a JSON object). */
    static void assertNoSecret(String text) {
        assertFalse(text.contains(SECRET), text);
        assertFalse(text.contains("eyJ"), text);
        assertFalse(text.contains("opaque-value"), text);
    }

    @Test
    void check_goodCoreSetupWithConnect_passesEveryStep() throws Exception {
        Run r = check(idpProperties(CORE, EmbeddedKafkaBroker.OAUTH, ""), "--connect",
                "--timeout", BROKER_WAIT_SECONDS).assertCode(CheckCommand.OK);
        r.assertStep("PASS", "1 configuration").assertStep("PASS", "2 token-request")
                .assertStep("PASS", "3 token").assertStep("PASS", "4 extensions")
                .assertStep("PASS", "5 broker-login")
                .assertContains("clientSecret", "[hidden]", "alg=RS256", "audience",
                        "kafkaRelogin", "verdict: PASS (exit 0)");
    }

    @Test
    void check_goodConfluentSetupAsJson_passesWithExtensions() throws Exception {
        Run r = check(idpProperties(CONFLUENT, EmbeddedKafkaBroker.CLOUD,
                "logicalCluster=\"lkc-abc123\" identityPoolId=\"pool-AbCd\""), "--connect",
                "--json", "--timeout", BROKER_WAIT_SECONDS).assertCode(CheckCommand.OK);
        Map<String, Object> json = JSONObjectUtils.parse(r.out());
        assertEquals("PASS", json.get("verdict"), r.out());
        List<Object> steps = JSONObjectUtils.getJSONArray(json, "steps");
        assertEquals(5, steps.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> ext = (Map<String, Object>) steps.get(3);
        assertEquals("extensions", ext.get("name"));
        assertEquals("lkc-abc123",
                ((Map<?, ?>) ext.get("details")).get("logicalCluster"));
    }

    @Test
    void check_lowercaseExtensionName_failsNamingTheRightOne() throws Exception {
        Run r = check(idpProperties(CONFLUENT, EmbeddedKafkaBroker.CLOUD,
                "extension_logicalcluster=\"lkc-abc123\"")).assertCode(CheckCommand.FAILED);
        r.assertStep("FAIL", "1 configuration").assertStep("FAIL", "4 extensions");
        assertTrue(r.remedies().contains(
                "rename extension_logicalcluster to extension_logicalCluster"), r.out());
    }

    @Test
    void check_wrongExtensionNameWithConnect_brokerRefusesExtensions() throws Exception {
        Run r = check(idpProperties(CORE, EmbeddedKafkaBroker.CLOUD,
                "extension_cluster=\"lkc-abc123\""), "--connect", "--timeout",
                BROKER_WAIT_SECONDS).assertCode(CheckCommand.FAILED);
        r.assertStep("FAIL", "4 extensions").assertStep("FAIL", "5 broker-login")
                .assertContains("The brokers refused the SASL extensions");
        assertTrue(r.remedies().get(r.remedies().size() - 1).startsWith(
                "rename extension_cluster to extension_logicalCluster"), r.out());
    }

    @Test
    void check_confluentHandlerWithoutLogicalCluster_failsConfiguration() throws Exception {
        Run r = check(idpProperties(CONFLUENT, EmbeddedKafkaBroker.CLOUD, ""))
                .assertCode(CheckCommand.FAILED);
        r.assertStep("FAIL", "1 configuration")
                .assertContains("Confluent Cloud needs the cluster id: add the JAAS option"
                        + " logicalCluster=\"lkc-...\"");
    }

    @Test
    void check_kafkaHandlerWithoutLogicalClusterOnCloudListener_brokerNamesExtension()
            throws Exception {
        Run r = check(idpProperties(KAFKA_HANDLER, EmbeddedKafkaBroker.CLOUD, ""),
                "--connect", "--timeout", BROKER_WAIT_SECONDS).assertCode(CheckCommand.FAILED);
        r.assertStep("PASS", "1 configuration").assertStep("PASS", "4 extensions")
                .assertStep("FAIL", "5 broker-login")
                .assertContains("The brokers refused the SASL extensions", "logicalCluster");
        assertTrue(r.remedies().get(0).contains("logicalCluster=lkc-..."), r.out());
    }

    @Test
    void check_endpointMissingFromAllowList_failsWithTheSystemProperty() throws Exception {
        String props = properties(KAFKA_HANDLER, "http://127.0.0.1:9/not-allowed/token",
                "127.0.0.1:9", "");
        Run r = check(props).assertCode(CheckCommand.FAILED);
        r.assertStep("FAIL", "1 configuration").assertContains(
                "remedy: start the JVM with -Dorg.apache.kafka.sasl.oauthbearer.allowed.urls="
                        + "http://127.0.0.1:9/not-allowed/token added to the URLs it lists");
    }

    @Test
    void check_unknownHandlerClass_failsWithTheClassesToUse() throws Exception {
        Run r = check(idpProperties("com.example.NoSuchHandler", EmbeddedKafkaBroker.OAUTH, ""))
                .assertCode(CheckCommand.FAILED);
        r.assertStep("FAIL", "1 configuration").assertContains("remedy: Set"
                + " sasl.login.callback.handler.class to " + CORE + " or " + CONFLUENT);
    }

    @Test
    void check_audienceTheBrokerRejects_failsNamingTheAudience() throws Exception {
        idp.audience("some-other-api");
        Run r;
        try {
            r = check(idpProperties(CORE, EmbeddedKafkaBroker.OAUTH, ""), "--connect",
                    "--timeout", BROKER_WAIT_SECONDS);
        } finally {
            idp.audience(Demo.AUDIENCE);
        }
        r.assertCode(CheckCommand.FAILED).assertStep("PASS", "3 token")
                .assertStep("FAIL", "5 broker-login")
                .assertContains("The brokers refused the token");
        String remedy = r.remedies().get(r.remedies().size() - 1);
        assertTrue(remedy.contains("aud ([some-other-api])")
                && remedy.contains("sasl.oauthbearer.expected.audience"), r.out());
    }

    @Test
    void check_thirtySecondToken_warnsAboutKafkaRelogin() throws Exception {
        idp.tokenLifetimeSeconds(30);
        Run r;
        try {
            r = check(idpProperties(CORE, EmbeddedKafkaBroker.OAUTH, ""), "--strict");
        } finally {
            idp.tokenLifetimeSeconds(3600);
        }
        r.assertCode(CheckCommand.WARNED).assertStep("WARN", "3 token")
                .assertContains("Kafka re-logs in after 2", "buffer of 300 s",
                        "minimum period of 60 s");
        assertTrue(r.remedies().get(0).startsWith("raise the token lifetime at the identity"
                + " provider to at least 360 s"), r.out());
    }

    @Test
    void check_opaqueToken_warnsThatBrokersNeedAJwt() throws Exception {
        stub.token("opaque-value-" + UUID.randomUUID(), 3600);
        Run r = check(stubProperties("")).assertCode(CheckCommand.OK);
        r.assertStep("WARN", "3 token").assertContains("the token is opaque");
        assertTrue(r.remedies().get(0).startsWith("have the identity provider issue JWT"),
                r.out());
        check(stubProperties(""), "--strict").assertCode(CheckCommand.WARNED);
    }

    @Test
    void check_tokenWithoutSub_warnsWithTheClaimToConfigure() throws Exception {
        stub.token(StubTokenEndpoint.jwt(Map.of("client_id", "svc-no-sub"),
                Instant.now().plusSeconds(3600)), 3600);
        Run r = check(stubProperties("")).assertCode(CheckCommand.OK);
        r.assertStep("WARN", "3 token").assertContains("svc-no-sub",
                "claim client_id (fallback)", "the token has no sub claim");
        assertTrue(r.remedies().get(0).contains(
                "set sasl.oauthbearer.sub.claim.name=client_id on the brokers"), r.out());
    }

    @Test
    void check_expiredToken_failsWithTheClockRemedy() throws Exception {
        stub.token(StubTokenEndpoint.jwt(Map.of("sub", "svc"),
                Instant.now().minusSeconds(600)), 3600);
        Run r = check(stubProperties("loginTimeoutMs=\"500\""))
                .assertCode(CheckCommand.FAILED);
        r.assertStep("PASS", "2 token-request").assertStep("FAIL", "3 token")
                .assertContains("The token is expired by this host's clock");
        assertTrue(r.remedies().get(0).startsWith("Synchronise the clocks of this host and the"
                + " identity provider"), r.out());
    }

    @Test
    void check_secretFromFileConfigProvider_resolvesAndHidesIt() throws Exception {
        Path secrets = Files.createTempFile(dir, "secrets", ".properties");
        Files.writeString(secrets, "secret=" + SECRET + "\n");
        String props = idpProperties(CORE, EmbeddedKafkaBroker.OAUTH, "")
                .replace("clientSecret=\"" + SECRET + "\"",
                        "clientSecret=\"${file:" + secrets + ":secret}\"")
                + "config.providers=file\nconfig.providers.file.class="
                + "org.apache.kafka.common.config.provider.FileConfigProvider\n";
        check(props).assertCode(CheckCommand.OK).assertStep("PASS", "2 token-request")
                .assertContains("clientSecret", "[hidden]");
    }

    @Test
    void run_missingFile_failsWithUsageRemedy() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = CheckCommand.run(new String[] {dir.resolve("none.properties").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(CheckCommand.FAILED, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("no such file"));
    }
}
