package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configurations README shows are the sample files that the demo and the end-to-end tests
 * log in with: every block marked README-CONFIG must hold the same properties as its file.
 */
class ReadmeConfigTest {

    private static final Pattern BLOCK = Pattern.compile(
            "<!-- README-CONFIG: (\\S+) -->\\s*```properties\\n(.*?)```", Pattern.DOTALL);

    @Test
    void readme_configBlocks_equalTheSampleFiles() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = BLOCK.matcher(readme);
        Map<String, String> blocks = new LinkedHashMap<>();
        while (m.find()) {
            blocks.put(m.group(1), m.group(2));
        }
        assertEquals(List.of("examples/config/client.properties",
                "examples/config/confluent-client.properties",
                "examples/config/keycloak-private-key-jwt.properties",
                "examples/config/entra-workload-identity.properties"),
                List.copyOf(blocks.keySet()), "README's checked blocks, in order");
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            Properties shown = new Properties();
            shown.load(new StringReader(b.getValue()));
            Properties file = new Properties();
            file.load(new StringReader(Files.readString(root.resolve(b.getKey()))));
            assertEquals(file, shown, "README's block for " + b.getKey());
            assertTrue(shown.getProperty("sasl.login.callback.handler.class")
                    .startsWith("dev.kafkaoauth.login."));
        }
    }
}
