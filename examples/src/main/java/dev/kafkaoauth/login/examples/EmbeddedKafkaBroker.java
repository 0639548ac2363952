package dev.kafkaoauth.login.examples;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node KRaft cluster (combined broker and controller) in this JVM, on 127.0.0.1 and
 * random ports, built on Kafka's test kit (internal API: pinned to the Kafka version of the
 * build).
 *
 * <p>Besides the kit's PLAINTEXT listener it has two SASL_PLAINTEXT OAUTHBEARER listeners whose
 * tokens are checked against an OAuth server's JWKS, audience and issuer: {@value #OAUTH}
 * accepts any SASL extension, {@value #CLOUD} acts as Confluent Cloud does and refuses a login
 * without a well-formed {@code logicalCluster} extension, or with a malformed
 * {@code identityPoolId}. The broker records the logins it accepts.
 *
 * <p>With {@link Builder#controllerLogin} the controller listener is SASL_PLAINTEXT OAUTHBEARER
 * too, and the node logs in to it with {@link OAuthLoginCallbackHandler}, configured with
 * listener-prefixed properties as a production broker would be.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Listener that accepts any token the OAuth server issued, with any extensions. */
    public static final String OAUTH = "OAUTH";
    /** Listener that also checks the Confluent Cloud extensions. */
    public static final String CLOUD = "CLOUD";

    private static final String LOGIN_MODULE =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    private static final String SOCKET_SERVER_METRICS = "socket-server-metrics";

    /** A login the broker accepted: token validated and extensions accepted. No token value. */
    public record SeenLogin(String listener, String principal, Set<String> scopes,
            long expiresAtMs, Map<String, String> extensions) {
        public SeenLogin {
            scopes = Set.copyOf(scopes);
            extensions = Map.copyOf(extensions);
        }
    }

    private final String key;
    private final BrokerRecorder recorder;
    private final AllowedUrls allowedUrls;
    private final KafkaClusterTestKit kit;
    private final String plaintextListener;
    private final String controllerListener;

    private EmbeddedKafkaBroker(String key, BrokerRecorder recorder, AllowedUrls allowedUrls,
            KafkaClusterTestKit kit, TestKitNodes nodes) {
        this.key = key;
        this.recorder = recorder;
        this.allowedUrls = allowedUrls;
        this.kit = kit;
        this.plaintextListener = nodes.brokerListenerName().value();
        this.controllerListener = nodes.controllerListenerName().value();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:PORT} of the named listener ({@link #OAUTH}, {@link #CLOUD}, ...). */
    public String bootstrapServers(String listenerName) {
        return "127.0.0.1:" + broker().boundPort(ListenerName.normalised(listenerName));
    }

    /** {@code 127.0.0.1:PORT} of the kit's PLAINTEXT listener, which needs no login. */
    public String plaintextBootstrap() {
        return bootstrapServers(plaintextListener);
    }

    /**
     * Name of the controller listener, as {@link SeenLogin#listener()} reports the node's own
     * logins there when {@link Builder#controllerLogin} secures it.
     */
    public String controllerListener() {
        return controllerListener;
    }

    /** An admin client on the PLAINTEXT listener; the caller closes it. */
    public Admin plaintextAdmin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plaintextBootstrap()));
    }

    /** Creates a topic with replication factor 1, through the PLAINTEXT listener. */
    public void createTopic(String name, int partitions) throws InterruptedException {
        try (Admin admin = plaintextAdmin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    /** Principal names of the tokens validated, in order, re-authentications included. */
    public List<String> seenPrincipals() {
        return recorder.principals();
    }

    /** Logins accepted on the OAUTHBEARER listeners, in order, re-authentications included. */
    public List<SeenLogin> seenLogins() {
        return recorder.logins();
    }

    /** SASL extensions of the logins accepted, in order. */
    public List<Map<String, String>> seenExtensions() {
        return seenLogins().stream().map(SeenLogin::extensions).collect(Collectors.toList());
    }

    /** SASL extensions of the logins accepted on one listener, in order. */
    public List<Map<String, String>> seenExtensions(String listenerName) {
        return seenLogins().stream().filter(login -> login.listener().equals(listenerName))
                .map(SeenLogin::extensions).collect(Collectors.toList());
    }

    /** The broker's {@code successful-reauthentication-total}, summed over its listeners. */
    public long successfulReauthentications() {
        return socketServerTotal("successful-reauthentication-total", null);
    }

    /** The broker's {@code successful-reauthentication-total} on one listener. */
    public long successfulReauthentications(String listenerName) {
        return socketServerTotal("successful-reauthentication-total", listenerName);
    }

    /** The broker's {@code successful-authentication-total} on one listener. */
    public long successfulAuthentications(String listenerName) {
        return socketServerTotal("successful-authentication-total", listenerName);
    }

    /**
     * The broker's {@code failed-authentication-total} plus {@code
     * failed-reauthentication-total} on one listener.
     */
    public long failedAuthentications(String listenerName) {
        return socketServerTotal("failed-authentication-total", listenerName)
                + socketServerTotal("failed-reauthentication-total", listenerName);
    }

    private long socketServerTotal(String metricName, String listenerName) {
        double total = 0;
        for (KafkaMetric metric : broker().metrics().metrics().values()) {
            if (metric.metricName().name().equals(metricName)
                    && metric.metricName().group().equals(SOCKET_SERVER_METRICS)
                    && (listenerName == null
                        || listenerName.equals(metric.metricName().tags().get("listener")))) {
                total += ((Number) metric.metricValue()).doubleValue();
            }
        }
        return (long) total;
    }

    private BrokerServer broker() {
        return kit.brokers().values().iterator().next();
    }

    @Override
    public void close() throws Exception {
        try {
            kit.close();
        } finally {
            BrokerRecorder.unregister(key);
            allowedUrls.close();
        }
    }

    private record NodeLogin(String tokenEndpointUrl, String clientId, String clientSecret) {
        NodeLogin {
            Objects.requireNonNull(tokenEndpointUrl, "tokenEndpointUrl");
            for (String value : List.of(clientId, clientSecret)) {
                if (value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
                    throw new IllegalArgumentException("quotes and backslashes would need"
                            + " escaping in the JAAS text");
                }
            }
        }
    }

    /** Options of the broker; JWKS URL, issuer and audience are required. */
    public static final class Builder {
        private String jwksUrl;
        private String expectedIssuer;
        private String expectedAudience;
        private Long connectionsMaxReauthMs;
        private NodeLogin controllerLogin;
        private final Map<String, Object> extraConfig = new LinkedHashMap<>();

        private Builder() {
        }

        /** JWKS URL and issuer of the server, exactly as it writes them. */
        public Builder oauthServer(EmbeddedOAuthServer server) {
            return jwksUrl(server.jwksUrl()).expectedIssuer(server.issuerUrl());
        }

        public Builder jwksUrl(String url) {
            this.jwksUrl = url;
            return this;
        }

        public Builder expectedIssuer(String issuer) {
            this.expectedIssuer = issuer;
            return this;
        }

        public Builder expectedAudience(String audience) {
            this.expectedAudience = audience;
            return this;
        }

        /** {@code connections.max.reauth.ms}: forces clients to re-authenticate this often. */
        public Builder connectionsMaxReauthMs(long ms) {
            this.connectionsMaxReauthMs = ms;
            return this;
        }

        /**
         * Makes the controller listener SASL_PLAINTEXT OAUTHBEARER, validated like the other
         * OAUTHBEARER listeners, and has the node log in to it with
         * {@link OAuthLoginCallbackHandler} and these client credentials: the broker's
         * registration, heartbeats and forwarded requests then need a token from the server.
         * The token endpoint is added to the allow-list while the broker runs.
         */
        public Builder controllerLogin(String tokenEndpointUrl, String clientId,
                String clientSecret) {
            this.controllerLogin = new NodeLogin(tokenEndpointUrl, clientId, clientSecret);
            return this;
        }

        /** Any other broker setting. */
        public Builder config(String name, Object value) {
            extraConfig.put(name, value);
            return this;
        }

        /** Formats and starts the node and waits until the broker is ready (about 2 s). */
        public EmbeddedKafkaBroker start() throws Exception {
            Objects.requireNonNull(jwksUrl, "jwksUrl");
            Objects.requireNonNull(expectedIssuer, "expectedIssuer");
            Objects.requireNonNull(expectedAudience, "expectedAudience");
            String key = UUID.randomUUID().toString();
            BrokerRecorder recorder = BrokerRecorder.register(key);
            // The broker's validator fetches the JWKS when its listener starts.
            AllowedUrls allowedUrls = controllerLogin == null ? AllowedUrls.add(jwksUrl)
                    : AllowedUrls.add(jwksUrl, controllerLogin.tokenEndpointUrl());
            KafkaClusterTestKit kit = null;
            try {
                TestKitNodes nodes = new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build();
                KafkaClusterTestKit.Builder kitBuilder = new KafkaClusterTestKit.Builder(nodes);
                bindOnLoopbackOnly(kitBuilder);
                brokerConfig(nodes, key).forEach(kitBuilder::setConfigProp);
                kit = kitBuilder.build();
                formatQuietly(kit);
                kit.startup();
                kit.waitForReadyBrokers();
                return new EmbeddedKafkaBroker(key, recorder, allowedUrls, kit, nodes);
            } catch (Exception | Error e) {
                try {
                    if (kit != null) {
                        kit.close();
                    }
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                } finally {
                    BrokerRecorder.unregister(key);
                    allowedUrls.close();
                }
                throw e;
            }
        }

        private Map<String, Object> brokerConfig(TestKitNodes nodes, String key) {
            String plaintext = nodes.brokerListenerName().value();
            String controller = nodes.controllerListenerName().value();
            Map<String, Object> config = new LinkedHashMap<>();
            List<String> listeners = new ArrayList<>();
            List<String> protocols = new ArrayList<>();
            for (String name : List.of(plaintext, controller)) {
                listeners.add(name + "://127.0.0.1:0");
                protocols.add(name + (name.equals(controller) && controllerLogin != null
                        ? ":SASL_PLAINTEXT" : ":PLAINTEXT"));
            }
            if (controllerLogin != null) {
                config.putAll(controllerLoginConfig(controller, key));
            }
            for (String name : List.of(OAUTH, CLOUD)) {
                listeners.add(name + "://127.0.0.1:0");
                protocols.add(name + ":SASL_PLAINTEXT");
                String prefix = "listener.name." + name.toLowerCase(Locale.ROOT) + ".";
                config.put(prefix + "sasl.enabled.mechanisms", "OAUTHBEARER");
                config.put(prefix + "oauthbearer.sasl.server.callback.handler.class",
                        RecordingValidatorCallbackHandler.class.getName());
                // Kafka logs the broker in on every SASL listener, even without inter-broker
                // traffic there: an unsecured token for that login keeps it off the IdP.
                config.put(prefix + "oauthbearer.sasl.jaas.config", LOGIN_MODULE + " required "
                        + "unsecuredLoginStringClaim_sub=\"broker\" "
                        + RecordingValidatorCallbackHandler.BROKER_KEY_OPTION + "=\"" + key + "\" "
                        + RecordingValidatorCallbackHandler.LISTENER_OPTION + "=\"" + name + "\" "
                        + RecordingValidatorCallbackHandler.CLOUD_RULES_OPTION + "=\""
                        + name.equals(CLOUD) + "\";");
            }
            config.put("listeners", String.join(",", listeners));
            config.put("listener.security.protocol.map", String.join(",", protocols));
            config.put("sasl.oauthbearer.jwks.endpoint.url", jwksUrl);
            config.put("sasl.oauthbearer.expected.issuer", expectedIssuer);
            config.put("sasl.oauthbearer.expected.audience", expectedAudience);
            if (connectionsMaxReauthMs != null) {
                config.put("connections.max.reauth.ms", connectionsMaxReauthMs);
            }
            // One node: internal topics cannot have more replicas than that.
            config.put("offsets.topic.replication.factor", "1");
            config.put("offsets.topic.num.partitions", "1");
            config.put("transaction.state.log.replication.factor", "1");
            config.put("transaction.state.log.min.isr", "1");
            config.put("group.initial.rebalance.delay.ms", "0");
            config.putAll(extraConfig);
            return config;
        }

        /**
         * A broker's own login to its controller listener, as in a server.properties file:
         * Kafka reads the listener- and mechanism-prefixed login handler and JAAS text, and
         * strips the listener prefix from the token endpoint before the handler sees it. The
         * same JAAS text configures the listener's validator, which ignores the credentials.
         */
        private Map<String, Object> controllerLoginConfig(String controller, String key) {
            String listenerPrefix = "listener.name." + controller.toLowerCase(Locale.ROOT) + ".";
            String prefix = listenerPrefix + "oauthbearer.";
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("sasl.mechanism.controller.protocol", "OAUTHBEARER");
            config.put(listenerPrefix + "sasl.enabled.mechanisms", "OAUTHBEARER");
            config.put(listenerPrefix + "sasl.oauthbearer.token.endpoint.url",
                    controllerLogin.tokenEndpointUrl());
            config.put(prefix + "sasl.login.callback.handler.class",
                    OAuthLoginCallbackHandler.class.getName());
            config.put(prefix + "sasl.server.callback.handler.class",
                    RecordingValidatorCallbackHandler.class.getName());
            config.put(prefix + "sasl.jaas.config", LOGIN_MODULE + " required "
                    + "clientId=\"" + controllerLogin.clientId() + "\" "
                    + "clientSecret=\"" + controllerLogin.clientSecret() + "\" "
                    + RecordingValidatorCallbackHandler.BROKER_KEY_OPTION + "=\"" + key + "\" "
                    + RecordingValidatorCallbackHandler.LISTENER_OPTION + "=\"" + controller
                    + "\";");
            return config;
        }

        /** Kafka's storage formatter writes its progress to System.out, where the demo reports. */
        private static void formatQuietly(KafkaClusterTestKit kit) throws Exception {
            PrintStream out = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), false,
                    StandardCharsets.UTF_8));
            try {
                kit.format();
            } finally {
                System.setOut(out);
            }
        }

        /**
         * The kit pre-binds its default listeners' ports on the wildcard address (all network
         * interfaces). Its builder offers no way to change that, so its socket manager is
         * replaced with one that binds on 127.0.0.1, before anything is bound.
         */
        private static void bindOnLoopbackOnly(KafkaClusterTestKit.Builder kitBuilder)
                throws Exception {
            Field field;
            try {
                field = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("This Kafka test kit has no socketFactoryManager"
                        + " field: the embedded broker supports the kit of Kafka 4.3.1 only", e);
            }
            field.setAccessible(true);
            PreboundSocketFactoryManager original = (PreboundSocketFactoryManager) field.get(
                    kitBuilder);
            field.set(kitBuilder, new LoopbackSocketFactoryManager());
            original.close();
        }
    }
}
