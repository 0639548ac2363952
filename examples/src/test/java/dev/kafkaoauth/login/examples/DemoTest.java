package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo end to end with our handlers and the sample files as they are; it runs once for
 * all assertions. Fails until the core and Confluent handlers exist.
 */
class DemoTest {

    private static Demo.Result result;

    @BeforeAll
    static void runDemo() throws Exception {
        result = Demo.runEmbedded(Path.of("config"), Demo.RECORDS);
    }

    @Test
    void runEmbedded_sampleConfigs_bothHandlersRoundTripAllRecords() {
        assertTrue(result.success(), result.failure());
        assertEquals(2, result.handlers().size());
        for (Demo.HandlerReport handler : result.handlers()) {
            assertEquals(Demo.RECORDS, handler.produced(), handler.name());
            assertEquals(Demo.RECORDS, handler.consumed(), handler.name());
            assertNotNull(handler.secondsToExpiry(), handler.name());
        }
        // Both files name one IdP client: the design lets the second reuse the first's token.
        long tokenRequests = result.handlers().stream()
                .mapToLong(Demo.HandlerReport::tokenRequests).sum();
        assertTrue(tokenRequests >= 1, "token requests: " + tokenRequests);
    }

    @Test
    void runEmbedded_sampleConfigs_brokerSeesClientIdAsSubject() {
        for (Demo.HandlerReport handler : result.handlers()) {
            // mock-oauth2-server puts the client id in sub.
            assertEquals("kafka-demo", handler.subject(), handler.name() + ": " + handler.error());
        }
    }

    @Test
    void runEmbedded_confluentConfig_brokerReceivesBothExtensions() {
        Demo.HandlerReport confluent = result.handlers().get(1);

        assertEquals(Demo.CONFLUENT_FILE, confluent.name());
        assertEquals(Map.of("logicalCluster", "lkc-demo01", "identityPoolId", "pool-Demo1"),
                confluent.extensions(), String.valueOf(confluent.error()));
    }
}
