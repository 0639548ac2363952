package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.ALLOWED_FILES_SYSTEM_PROPERTY;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka's JVM-wide allow-list of files ({@code org.apache.kafka.sasl.oauthbearer.allowed.files}),
 * honoured for every file the library reads when the property is set. Connect lets connector
 * configurations set client options; the list keeps them from reading arbitrary files.
 */
final class FilePolicy {

    private FilePolicy() {
    }

    /**
     * Throws unless the file may be read.
     *
     * @param option the option that names the file, for the message
     * @param file the file
     */
    static void check(String option, Path file) {
        String allowed = System.getProperty(ALLOWED_FILES_SYSTEM_PROPERTY);
        if (allowed == null) {
            return;
        }
        // Kafka compares the absolute path as a string; the normalized form is accepted too.
        String absolute = file.toAbsolutePath().toString();
        String normalized = file.toAbsolutePath().normalize().toString();
        boolean listed = Arrays.stream(allowed.split(","))
                .map(String::trim)
                .anyMatch(a -> a.equals(absolute) || a.equals(normalized));
        if (!listed) {
            throw new ConfigException(option, absolute, "this file is not in the JVM's"
                    + " allow-list, the system property " + ALLOWED_FILES_SYSTEM_PROPERTY
                    + ": add its absolute path there or remove the property");
        }
    }
}
