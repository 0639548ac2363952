package dev.kafkaoauth.login.examples;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerExtensionsValidatorCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler;

/**
 * The embedded broker's server callback handler: Kafka's JWKS-based validator, which records
 * what it accepts and, on a listener that acts as Confluent Cloud, checks the SASL extensions.
 *
 * <p>JAAS options of the listener's login module: {@value #BROKER_KEY_OPTION} (required; the
 * embedded broker that records), {@value #LISTENER_OPTION} and {@value #CLOUD_RULES_OPTION}
 * ({@code true} to check {@code logicalCluster} and {@code identityPoolId}).
 */
public class RecordingValidatorCallbackHandler extends OAuthBearerValidatorCallbackHandler {

    static final String BROKER_KEY_OPTION = "embeddedBrokerKey";
    static final String LISTENER_OPTION = "embeddedListener";
    static final String CLOUD_RULES_OPTION = "confluentCloudRules";

    static final String LOGICAL_CLUSTER = "logicalCluster";
    static final String IDENTITY_POOL_ID = "identityPoolId";
    private static final Pattern LOGICAL_CLUSTER_FORMAT = Pattern.compile("lkc-[a-z0-9]+");
    private static final Pattern IDENTITY_POOLS_FORMAT =
            Pattern.compile("pool-[A-Za-z0-9]+(,pool-[A-Za-z0-9]+)*");

    private BrokerRecorder recorder;
    private String listener;
    private boolean cloudRules;

    @Override
    public void configure(Map<String, ?> configs, String mechanism,
            List<AppConfigurationEntry> jaasConfigEntries) {
        Map<String, ?> options = jaasConfigEntries.get(0).getOptions();
        Object key = options.get(BROKER_KEY_OPTION);
        recorder = key == null ? null : BrokerRecorder.lookup(key.toString());
        if (recorder == null) {
            throw new ConfigException(BROKER_KEY_OPTION, key,
                    "no embedded broker is registered under this key");
        }
        listener = String.valueOf(options.get(LISTENER_OPTION));
        cloudRules = Boolean.parseBoolean(String.valueOf(options.get(CLOUD_RULES_OPTION)));
        super.configure(configs, mechanism, jaasConfigEntries);
    }

    @Override
    public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerExtensionsValidatorCallback extensions) {
                if (cloudRules) {
                    checkLikeConfluentCloud(extensions);
                } else {
                    super.handle(new Callback[] {callback});
                }
                if (extensions.invalidExtensions().isEmpty()) {
                    recordLogin(extensions);
                }
            } else {
                super.handle(new Callback[] {callback});
                if (callback instanceof OAuthBearerValidatorCallback validation
                        && validation.token() != null) {
                    recorder.tokenValidated(validation.token().principalName());
                }
            }
        }
    }

    private static void checkLikeConfluentCloud(OAuthBearerExtensionsValidatorCallback callback) {
        Map<String, String> input = callback.inputExtensions().map();
        String cluster = input.get(LOGICAL_CLUSTER);
        if (cluster == null) {
            callback.error(LOGICAL_CLUSTER, "missing; expected the cluster id, lkc-...");
        } else if (!LOGICAL_CLUSTER_FORMAT.matcher(cluster).matches()) {
            callback.error(LOGICAL_CLUSTER, "'" + cluster + "' is not of the form lkc-...");
        }
        String pools = input.get(IDENTITY_POOL_ID);
        if (pools != null && !IDENTITY_POOLS_FORMAT.matcher(pools).matches()) {
            callback.error(IDENTITY_POOL_ID,
                    "'" + pools + "' is not a comma-separated list of pool-... ids");
        }
        for (String name : input.keySet()) {
            if (!callback.invalidExtensions().containsKey(name)) {
                callback.valid(name);
            }
        }
    }

    private void recordLogin(OAuthBearerExtensionsValidatorCallback callback) {
        OAuthBearerToken token = callback.token();
        Set<String> scopes = token.scope() == null ? Set.of() : new HashSet<>(token.scope());
        recorder.loginAccepted(new EmbeddedKafkaBroker.SeenLogin(listener, token.principalName(),
                scopes, token.lifetimeMs(), callback.inputExtensions().map()));
    }
}
