package dev.kafkaoauth.login.examples;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one embedded broker's listeners saw. Kafka creates the server callback handlers itself,
 * from a class name, so they find their broker's recorder here by the key in their JAAS options.
 */
final class BrokerRecorder {

    private static final Map<String, BrokerRecorder> REGISTRY = new ConcurrentHashMap<>();

    private final List<String> principals = new CopyOnWriteArrayList<>();
    private final List<EmbeddedKafkaBroker.SeenLogin> logins = new CopyOnWriteArrayList<>();

    static BrokerRecorder register(String key) {
        BrokerRecorder recorder = new BrokerRecorder();
        if (REGISTRY.putIfAbsent(key, recorder) != null) {
            throw new IllegalStateException("a broker is already registered under " + key);
        }
        return recorder;
    }

    /** The recorder of a running broker, or null when none is registered under the key. */
    static BrokerRecorder lookup(String key) {
        return REGISTRY.get(key);
    }

    static void unregister(String key) {
        REGISTRY.remove(key);
    }

    void tokenValidated(String principal) {
        principals.add(principal);
    }

    void loginAccepted(EmbeddedKafkaBroker.SeenLogin login) {
        logins.add(login);
    }

    List<String> principals() {
        return List.copyOf(principals);
    }

    List<EmbeddedKafkaBroker.SeenLogin> logins() {
        return List.copyOf(logins);
    }
}
