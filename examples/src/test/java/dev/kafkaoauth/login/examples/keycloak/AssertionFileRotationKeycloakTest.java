package dev.kafkaoauth.login.examples.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.examples.AllowedUrls;
import dev.kafkaoauth.login.examples.EmbeddedKafkaBroker;
import dev.kafkaoauth.login.examples.bench.TokenProxy;
import dev.kafkaoauth.login.examples.bench.TokenProxy.FormValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workload identity, Kubernetes style: the client assertion is a file that something else (the
 * kubelet, for a projected service-account token) replaces while the client runs. A producer
 * with short-lived Keycloak tokens runs across the replacement; the refresh after it must send
 * the new assertion. Keycloak refuses an assertion whose {@code jti} it has seen, so a refresh
 * that resent the old file content would fail, and a proxy in front records what was sent.
 */
@ExtendWith(KeycloakExtension.class)
class AssertionFileRotationKeycloakTest {

    private static final String TOPIC = "assertion-rotation";
    private static final long TOKEN_SECONDS = 15;
    private static final Duration REFRESH_WAIT = Duration.ofSeconds(4 * TOKEN_SECONDS);

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void producer_assertionFileReplacedByKubeletSwap_nextRefreshSendsNewAssertion(
            KeycloakServer keycloak, @TempDir Path dir) throws Exception {
        KeycloakAdmin admin = new KeycloakAdmin(keycloak);
        TestKeys keys = TestKeys.rsa();
        String clientId = "workload-" + UUID.randomUUID().toString().substring(0, 8);
        // Projected tokens live for an hour or more: allow that much (Keycloak's default: 60 s).
        String id = admin.createServiceAccountClient(clientId, "client-jwt", Map.of(
                "jwt.credential.public.key", keys.publicKeyBase64(),
                "jwt.credential.kid", keys.kid(),
                "token.endpoint.auth.signing.max.exp", "3600",
                "access.token.lifespan", Long.toString(TOKEN_SECONDS)));
        String first = keys.assertion(clientId, keycloak.issuerUrl(), Duration.ofMinutes(30));
        String second = keys.assertion(clientId, keycloak.issuerUrl(), Duration.ofMinutes(30));
        Path tokenFile = ProjectedVolume.create(dir.resolve("serviceaccount"), first);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                    .jwksUrl(keycloak.jwksUrl()).expectedIssuer(keycloak.issuerUrl())
                    .expectedAudience(KeycloakServer.AUDIENCE).start();
                TokenProxy proxy = TokenProxy.start(keycloak.tokenEndpointUrl());
                AllowedUrls allowed = AllowedUrls.add(proxy.url())) {
            broker.createTopic(TOPIC, 1);
            Map<String, Object> config = producerConfig(broker, proxy, clientId, tokenFile);
            AtomicLong acked = new AtomicLong();
            AtomicReference<Exception> failure = new AtomicReference<>();
            long sent = 0;
            long swapped;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config,
                    new StringSerializer(), new StringSerializer())) {
                // The login happens in the constructor: it sent the first file content.
                List<FormValue> login = proxy.formValues("client_assertion");
                assertTrue(!login.isEmpty(), "no token request at login");
                assertEquals(first, login.get(0).value(), "the login sent another assertion");
                assertEquals(200, login.get(0).status());
                sent += send(producer, 5, acked, failure);

                ProjectedVolume.swap(tokenFile.getParent(), second);
                swapped = System.nanoTime();

                long deadline = swapped + REFRESH_WAIT.toNanos();
                while (after(proxy, swapped).isEmpty() && System.nanoTime() < deadline) {
                    sent += send(producer, 1, acked, failure);
                    Thread.sleep(250);
                }
                sent += send(producer, 5, acked, failure);
                producer.flush();
            }
            List<FormValue> refreshes = after(proxy, swapped);
            System.out.printf("[rotation] %d token requests, %d after the swap%n",
                    proxy.formValues("client_assertion").size(), refreshes.size());
            assertTrue(!refreshes.isEmpty(), "no refresh within " + REFRESH_WAIT);
            assertTrue(refreshes.stream().allMatch(v -> second.equals(v.value())),
                    "a refresh after the swap sent the old (or no) assertion");
            assertEquals(200, refreshes.get(0).status(),
                    "Keycloak refused the refresh after the swap");
            assertNull(failure.get(), "a send failed");
            assertEquals(sent, acked.get(), "records acknowledged");
        } finally {
            admin.deleteClient(id);
        }
    }

    private static List<FormValue> after(TokenProxy proxy, long nanos) {
        Predicate<FormValue> later = v -> v.arrivalNanos() - nanos > 0;
        return proxy.formValues("client_assertion").stream().filter(later).toList();
    }

    private static int send(KafkaProducer<String, String> producer, int count, AtomicLong acked,
            AtomicReference<Exception> failure) {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(TOPIC, "record " + UUID.randomUUID()),
                    (metadata, e) -> {
                        if (e == null) {
                            acked.incrementAndGet();
                        } else {
                            failure.compareAndSet(null, e);
                        }
                    });
        }
        return count;
    }

    private static Map<String, Object> producerConfig(EmbeddedKafkaBroker broker,
            TokenProxy proxy, String clientId, Path tokenFile) {
        Map<String, Object> config = new HashMap<>(BrokerClients.oauthListener(broker));
        config.put("sasl.oauthbearer.token.endpoint.url", proxy.url());
        config.put("sasl.jaas.config", BrokerClients.MODULE + " required clientId=\""
                + clientId + "\" clientAssertionFile=\"" + tokenFile + "\" scope=\""
                + KeycloakServer.SCOPE + "\" tokenCache=\"private\";");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        return config;
    }

    /**
     * A projected volume as the kubelet lays it out: {@code token} is a symlink to
     * {@code ..data/token}, {@code ..data} a symlink to a timestamped directory, and an update
     * writes a new directory and renames a new {@code ..data} link over the old one, so that
     * readers see the old file or the new one, never half of either.
     */
    static final class ProjectedVolume {

        private ProjectedVolume() {
        }

        /** Creates the volume with this token; returns the path a pod would read. */
        static Path create(Path volume, String token) throws IOException {
            Files.createDirectories(volume);
            swap(volume, token);
            Path file = volume.resolve("token");
            Files.createSymbolicLink(file, Path.of("..data", "token"));
            return file;
        }

        /** Publishes a new token the kubelet's way (atomic rename of the ..data link). */
        static void swap(Path volume, String token) throws IOException {
            Path version = Files.createTempDirectory(volume, "..version_");
            Files.writeString(version.resolve("token"), token);
            Path link = volume.resolve("..data_tmp");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, version.getFileName());
            Files.move(link, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
