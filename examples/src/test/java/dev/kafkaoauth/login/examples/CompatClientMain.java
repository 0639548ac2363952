package dev.kafkaoauth.login.examples;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The child of {@link KafkaClientsCompatibilityTest}, run in a JVM whose class path holds
 * another kafka-clients version: it uses only client API that every supported version has,
 * and nothing else of the examples. Logs in, produces, waits for one background refresh of
 * the token (seen through our MBean), produces again, and consumes both records with a new
 * login. Its last line is {@code COMPAT OK ...} or {@code COMPAT FAILED ...}.
 *
 * <p>Arguments: expected kafka-clients version, bootstrap servers, token endpoint, topic, and
 * optionally a PKCS#8 key file and an issuer URL: then the client authenticates with
 * {@code private_key_jwt} and finds the token endpoint by OpenID Connect discovery, which
 * older kafka-clients know nothing of (their unknown properties pass through as strings).
 */
public final class CompatClientMain {

    private static String keyFile;
    private static String issuerUrl;

    private CompatClientMain() {
    }

    public static void main(String[] args) {
        try {
            if (args.length > 5 && !"-".equals(args[4])) {
                keyFile = args[4];
                issuerUrl = args[5];
            }
            System.out.println("COMPAT OK " + run(args[0], args[1], args[2], args[3]));
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println("COMPAT FAILED " + e);
            System.exit(1);
        }
    }

    private static String run(String expectedVersion, String bootstrap, String tokenUrl,
            String topic) throws Exception {
        String version = kafkaClientsVersion();
        if (!expectedVersion.equals(version)) {
            throw new IllegalStateException("kafka-clients " + version + " on the class path,"
                    + " expected " + expectedVersion);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                config(bootstrap, tokenUrl, ""), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "first")).get(30, TimeUnit.SECONDS);
            long requests = tokenRequests();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (tokenRequests() <= requests) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no token refresh within 20 s");
                }
                Thread.sleep(200);
            }
            producer.send(new ProducerRecord<>(topic, "second")).get(30, TimeUnit.SECONDS);
        }
        // Another JAAS text makes Kafka log in again: that login takes the refreshed token.
        List<String> values = new ArrayList<>();
        Properties consumerConfig = config(bootstrap, tokenUrl, " extension_run=\"consumer\"");
        consumerConfig.setProperty("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig,
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        if (!values.equals(List.of("first", "second"))) {
            throw new IllegalStateException("consumed " + values);
        }
        return "version=" + version + " tokenRequests=" + tokenRequests() + " records="
                + values.size();
    }

    /** Kafka's own report of its version; 4.4 moved AppInfoParser to an internals package. */
    private static String kafkaClientsVersion() throws ReflectiveOperationException {
        Class<?> parser;
        try {
            parser = Class.forName("org.apache.kafka.common.utils.AppInfoParser");
        } catch (ClassNotFoundException e) {
            parser = Class.forName("org.apache.kafka.common.utils.internals.AppInfoParser");
        }
        return (String) parser.getMethod("getVersion").invoke(null);
    }

    private static Properties config(String bootstrap, String tokenUrl, String extraJaas) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "OAUTHBEARER");
        p.setProperty("sasl.login.callback.handler.class",
                "dev.kafkaoauth.login.OAuthLoginCallbackHandler");
        String credentials = " clientSecret=\"compat-secret\"";
        if (keyFile != null) {
            p.setProperty("sasl.oauthbearer.assertion.private.key.file", keyFile);
            credentials = " issuerUrl=\"" + issuerUrl + "\"";
        } else {
            p.setProperty("sasl.oauthbearer.token.endpoint.url", tokenUrl);
        }
        p.setProperty("sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
                + " clientId=\"compat\"" + credentials + " scope=\"kafka\"" + extraJaas + ";");
        p.setProperty("max.block.ms", "20000");
        return p;
    }

    /** Token requests of our cache entries, read through JMX as an operator would. */
    private static long tokenRequests() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(
                new ObjectName("dev.kafkaoauth.login:type=TokenCache,*"), null);
        long total = 0;
        for (ObjectName name : names) {
            total += (Long) server.getAttribute(name, "TokenRequests");
        }
        return total;
    }
}
