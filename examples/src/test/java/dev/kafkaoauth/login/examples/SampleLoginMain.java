package dev.kafkaoauth.login.examples;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;

/**
 * Loads a sample client.properties in a JVM of its own (so that its environment, which Kafka's
 * EnvVarConfigProvider reads, is the test's to set), replaces only the token endpoint, and logs
 * in once through the handler the file names. Last line: {@code SAMPLE OK principal=...} or
 * {@code SAMPLE FAILED ...}; never a token.
 *
 * <p>Arguments: the sample file, the token endpoint URL to use instead of the file's.
 */
public final class SampleLoginMain {

    private SampleLoginMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            file.load(in);
        }
        file.setProperty("sasl.oauthbearer.token.endpoint.url", args[1]);
        Map<String, Object> configs = SampleConfigs.asClientPasses(file);
        List<AppConfigurationEntry> jaas = SampleConfigs.jaasEntries(configs);
        Map<String, ?> options = jaas.get(0).getOptions();
        System.out.println("SAMPLE resolved clientId=" + options.get("clientId")
                + " clientAssertionFile=" + options.get("clientAssertionFile"));
        AuthenticateCallbackHandler handler = SampleConfigs.newHandler(configs);
        try {
            handler.configure(new HashMap<>(configs), "OAUTHBEARER", jaas);
            OAuthBearerTokenCallback cb = new OAuthBearerTokenCallback();
            handler.handle(new Callback[] {cb});
            System.out.println(cb.token() != null
                    ? "SAMPLE OK principal=" + cb.token().principalName()
                    : "SAMPLE FAILED " + cb.errorCode() + " " + cb.errorDescription());
        } finally {
            handler.close();
        }
    }
}
