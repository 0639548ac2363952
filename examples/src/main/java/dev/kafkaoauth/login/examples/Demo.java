package dev.kafkaoauth.login.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo: both handlers log in to a real broker with tokens from a real OAuth server, all in
 * this JVM, and produce and consume records.
 *
 * <pre>
 * Demo                                        embedded OAuth server and broker
 * Demo --config client.properties --topic t   one record on your own cluster
 * </pre>
 */
public final class Demo {

    /** Records produced and consumed per handler by the embedded demo. */
    public static final int RECORDS = 10;
    /** Audience of the demo's tokens, and the scope their {@code scope} claim carries. */
    static final String AUDIENCE = "kafka";
    static final String CLIENT_FILE = "client.properties";
    static final String CONFLUENT_FILE = "confluent-client.properties";

    private static final Duration ROUND_TRIP_TIMEOUT = Duration.ofSeconds(30);

    /** One client configuration's run. Nothing in it is secret: it never holds a token. */
    public record HandlerReport(String name, String handlerClass, String bootstrapServers,
            String subject, Set<String> scopes, Long secondsToExpiry,
            Map<String, String> extensions, int produced, int consumed, Long tokenRequests,
            String error) {

        public boolean ok() {
            return error == null;
        }
    }

    /** The demo's outcome: success, or the first failure in one line. */
    public record Result(boolean success, String failure, List<HandlerReport> handlers) {

        static Result of(List<HandlerReport> handlers) {
            String failure = handlers.stream().filter(h -> !h.ok())
                    .map(h -> h.name() + ": " + h.error()).findFirst().orElse(null);
            return new Result(failure == null, failure, List.copyOf(handlers));
        }

        static Result failed(String failure) {
            return new Result(false, failure, List.of());
        }
    }

    private Demo() {
    }

    public static void main(String[] args) {
        Result result;
        try {
            result = run(args);
        } catch (Exception e) {
            result = Result.failed(oneLine(e));
        }
        print(result, System.out);
        if (!result.success()) {
            System.err.println("FAILED: " + result.failure());
        }
        System.exit(result.success() ? 0 : 1);
    }

    static Result run(String[] args) throws Exception {
        if (args.length == 0) {
            return runEmbedded(findConfigDir(), RECORDS);
        }
        if (args.length == 4 && args[0].equals("--config") && args[2].equals("--topic")) {
            return runOnCluster(Path.of(args[1]), args[3]);
        }
        return Result.failed("usage: Demo [--config <client.properties> --topic <name>]");
    }

    /**
     * Starts an OAuth server and a broker, then runs {@value #CLIENT_FILE} against the broker's
     * {@code OAUTH} listener and {@value #CONFLUENT_FILE} against its {@code CLOUD} listener.
     */
    public static Result runEmbedded(Path configDir, int records) throws Exception {
        try (EmbeddedOAuthServer idp = EmbeddedOAuthServer.start()) {
            idp.audience(AUDIENCE).claims(Map.of("scope", AUDIENCE));
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().oauthServer(idp)
                    .expectedAudience(AUDIENCE).start();
                    AllowedUrls tokenUrl = AllowedUrls.add(idp.tokenEndpointUrl())) {
                List<HandlerReport> reports = new ArrayList<>();
                reports.add(runHandler(idp, broker, configDir.resolve(CLIENT_FILE),
                        EmbeddedKafkaBroker.OAUTH, records));
                reports.add(runHandler(idp, broker, configDir.resolve(CONFLUENT_FILE),
                        EmbeddedKafkaBroker.CLOUD, records));
                return Result.of(reports);
            }
        }
    }

    /** Produces one record to the topic of the user's cluster and consumes it back. */
    public static Result runOnCluster(Path configFile, String topic) throws IOException {
        Properties config = load(configFile);
        String name = configFile.getFileName().toString();
        String handler = config.getProperty(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, "-");
        String bootstrap = config.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        int produced = 0;
        int consumed = 0;
        try {
            String value = "kafka-oauth-login demo " + UUID.randomUUID();
            RecordMetadata sent = produce(config, topic, List.of(value)).get(0);
            produced = 1;
            TopicPartition partition = new TopicPartition(topic, sent.partition());
            List<String> values = consume(config, partition, sent.offset(), 1);
            consumed = values.contains(value) ? 1 : 0;
            String error = consumed == 1 ? null : "the record produced was not consumed back";
            return Result.of(List.of(new HandlerReport(name, handler, bootstrap, null, Set.of(),
                    null, Map.of(), produced, consumed, null, error)));
        } catch (Exception e) {
            return Result.of(List.of(new HandlerReport(name, handler, bootstrap, null, Set.of(),
                    null, Map.of(), produced, consumed, null, oneLine(e))));
        }
    }

    private static HandlerReport runHandler(EmbeddedOAuthServer idp, EmbeddedKafkaBroker broker,
            Path file, String listener, int records) {
        String name = file.getFileName().toString();
        String handler = "-";
        String bootstrap = broker.bootstrapServers(listener);
        long tokensBefore = idp.tokenRequestCount();
        int loginsBefore = broker.seenLogins().size();
        int produced = 0;
        int consumed = 0;
        String error = null;
        try {
            Properties config = load(file);
            handler = config.getProperty(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, "-");
            // The sample files are written for a real cluster; the demo's broker listens on
            // loopback without TLS.
            config.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            config.setProperty(SaslConfigs.SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL,
                    idp.tokenEndpointUrl());
            String topic = "demo-" + name.replace(".properties", "");
            broker.createTopic(topic, 1);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                values.add("record " + i + " via " + name);
            }
            produced = produce(config, topic, values).size();
            consumed = consume(config, new TopicPartition(topic, 0), 0, records).size();
            if (consumed != records) {
                error = "consumed " + consumed + " of " + records + " records";
            }
        } catch (Exception e) {
            error = oneLine(e);
        }
        EmbeddedKafkaBroker.SeenLogin login = broker.seenLogins().stream()
                .skip(loginsBefore).filter(l -> l.listener().equals(listener))
                .findFirst().orElse(null);
        long tokens = idp.tokenRequestCount() - tokensBefore;
        if (login == null) {
            return new HandlerReport(name, handler, bootstrap, null, Set.of(), null, Map.of(),
                    produced, consumed, tokens, error == null ? "the broker saw no login" : error);
        }
        long secondsLeft = TimeUnit.MILLISECONDS.toSeconds(
                login.expiresAtMs() - System.currentTimeMillis());
        return new HandlerReport(name, handler, bootstrap, login.principal(), login.scopes(),
                secondsLeft, login.extensions(), produced, consumed, tokens, error);
    }

    private static List<RecordMetadata> produce(Properties config, String topic,
            List<String> values) throws Exception {
        Properties props = clientConfig(config);
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
        List<RecordMetadata> acked = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props,
                new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (String value : values) {
                sends.add(producer.send(new ProducerRecord<>(topic, "demo", value)));
            }
            for (Future<RecordMetadata> send : sends) {
                acked.add(send.get(ROUND_TRIP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        return acked;
    }

    /** Reads from the offset until {@code expected} records arrived or the time is up. */
    private static List<String> consume(Properties config, TopicPartition partition,
            long offset, int expected) {
        Properties props = clientConfig(config);
        // No consumer group: the demo needs no group ACL on a real cluster, and no commit.
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props,
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            long deadline = System.nanoTime() + ROUND_TRIP_TIMEOUT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record
                        : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static Properties clientConfig(Properties config) {
        Properties props = new Properties();
        props.putAll(config);
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "kafka-oauth-login-demo");
        return props;
    }

    static Properties load(Path file) throws IOException {
        Properties config = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            config.load(reader);
        }
        return config;
    }

    /** {@code config/} when run from examples/, {@code examples/config/} from the root. */
    static Path findConfigDir() {
        for (Path dir : List.of(Path.of("config"), Path.of("examples", "config"))) {
            if (Files.isRegularFile(dir.resolve(CLIENT_FILE))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find " + CLIENT_FILE + " in config/ or"
                + " examples/config/: run the demo from the repository root or examples/");
    }

    static void print(Result result, PrintStream out) {
        for (HandlerReport report : result.handlers()) {
            out.println(report.name() + (report.ok() ? "" : "  FAILED: " + report.error()));
            row(out, "handler", report.handlerClass());
            row(out, "bootstrap", report.bootstrapServers());
            row(out, "token subject", orDash(report.subject()));
            row(out, "scopes", report.scopes().isEmpty() ? "-"
                    : String.join(" ", new TreeSet<>(report.scopes())));
            row(out, "expires in", report.secondsToExpiry() == null ? "-"
                    : report.secondsToExpiry() + " s");
            row(out, "extensions", report.extensions().isEmpty() ? "-"
                    : new TreeMap<>(report.extensions()).toString());
            row(out, "records", report.produced() + " produced, " + report.consumed()
                    + " consumed");
            row(out, "token requests", report.tokenRequests() == null ? "-"
                    : report.tokenRequests().toString());
        }
        out.println(result.success() ? "OK: every client logged in and round-tripped its records"
                : "FAILED");
    }

    private static void row(PrintStream out, String label, String value) {
        out.printf("  %-15s %s%n", label, value);
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    /** The innermost cause's message, on one line; never a token (Kafka's messages hold none). */
    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
