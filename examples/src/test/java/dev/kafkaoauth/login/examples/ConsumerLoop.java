package dev.kafkaoauth.login.examples;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer on a thread of its own that reads partition 0 of a topic from the beginning until
 * told to stop, for the long-running end-to-end tests.
 */
final class ConsumerLoop {

    private ConsumerLoop() {
    }

    /**
     * Starts the thread.
     *
     * @param base client properties of the consumer (auto commit is turned off)
     * @param running the loop ends when this turns false
     * @param consumed receives every record's value
     * @param failure receives what ended the loop early
     * @param beforeClose sees the consumer once more before it is closed (for its metrics)
     */
    static Thread start(String name, Map<String, Object> base, String topic,
            AtomicBoolean running, Set<String> consumed, AtomicReference<Throwable> failure,
            Consumer<KafkaConsumer<String, String>> beforeClose) {
        Thread thread = new Thread(() -> {
            Map<String, Object> config = new HashMap<>(base);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            TopicPartition partition = new TopicPartition(topic, 0);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config,
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                while (running.get()) {
                    for (ConsumerRecord<String, String> record
                            : consumer.poll(Duration.ofMillis(200))) {
                        consumed.add(record.value());
                    }
                }
                beforeClose.accept(consumer);
            } catch (RuntimeException | Error e) {
                failure.set(e);
            }
        }, name);
        thread.start();
        return thread;
    }
}
