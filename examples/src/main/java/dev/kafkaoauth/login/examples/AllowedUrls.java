package dev.kafkaoauth.login.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adds URLs to Kafka's JVM-wide allow-list of OAuth URLs and puts back what was there before.
 *
 * <p>Kafka 4.x refuses a token or JWKS URL that the system property {@value #PROPERTY} does not
 * list by exact string, and our handlers honour the same property. The property is JVM-wide,
 * so each user restores it on close, in the reverse order of the additions.
 */
public final class AllowedUrls implements AutoCloseable {

    public static final String PROPERTY = "org.apache.kafka.sasl.oauthbearer.allowed.urls";

    private final String previous;

    private AllowedUrls(String previous) {
        this.previous = previous;
    }

    /** Appends the URLs to the property, keeping the entries it already had. */
    public static AllowedUrls add(String... urls) {
        synchronized (AllowedUrls.class) {
            String previous = System.getProperty(PROPERTY);
            List<String> entries = new ArrayList<>();
            if (previous != null && !previous.isBlank()) {
                Arrays.stream(previous.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).forEach(entries::add);
            }
            for (String url : urls) {
                if (!entries.contains(url)) {
                    entries.add(url);
                }
            }
            System.setProperty(PROPERTY, String.join(",", entries));
            return new AllowedUrls(previous);
        }
    }

    @Override
    public void close() {
        synchronized (AllowedUrls.class) {
            if (previous == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, previous);
            }
        }
    }
}
