package dev.kafkaoauth.login.confluent;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler;
import dev.kafkaoauth.login.OAuthLoginConfig;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Login callback handler for Confluent Cloud: everything {@link OAuthLoginCallbackHandler} does,
 * plus the SASL extensions {@code logicalCluster} (required) and {@code identityPoolId}
 * (optional) that Confluent Cloud needs to map a token to a cluster and identity pool.
 *
 * <pre>
 * sasl.login.callback.handler.class=\
 *   dev.kafkaoauth.login.confluent.ConfluentCloudLoginCallbackHandler
 * sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required \
 *   clientId="..." clientSecret="..." logicalCluster="lkc-abc123" identityPoolId="pool-AbCd";
 * </pre>
 *
 * <p>Both values may also be given as {@code extension_logicalCluster} and
 * {@code extension_identityPoolId}, as with Kafka's own handler. Clients of several clusters
 * that use one identity-provider client share one token.
 */
public class ConfluentCloudLoginCallbackHandler extends OAuthLoginCallbackHandler {

    /** JAAS option: the Confluent Cloud cluster id, such as {@code lkc-abc123}. */
    public static final String LOGICAL_CLUSTER = "logicalCluster";
    /** JAAS option: one identity pool id, or several separated by commas. */
    public static final String IDENTITY_POOL_ID = "identityPoolId";

    private static final Pattern CLUSTER_ID = Pattern.compile("lkc-[A-Za-z0-9]+");
    private static final Pattern POOL_IDS =
            Pattern.compile("pool-[A-Za-z0-9]+(,pool-[A-Za-z0-9]+)*");

    @Override
    protected Set<String> jaasOptionNames() {
        return Set.of(LOGICAL_CLUSTER, IDENTITY_POOL_ID);
    }

    @Override
    protected Map<String, String> saslExtensions(Map<String, String> configured,
            Map<String, ?> jaasOptions) {
        Map<String, String> result = new TreeMap<>(configured);
        String cluster = merged(LOGICAL_CLUSTER, configured, jaasOptions);
        if (cluster == null) {
            throw new ConfigException("Confluent Cloud needs the cluster id: add the JAAS option "
                    + LOGICAL_CLUSTER + "=\"lkc-...\" (the id of the cluster in the Confluent"
                    + " Cloud console)");
        }
        if (!CLUSTER_ID.matcher(cluster).matches()) {
            throw new ConfigException("JAAS option " + LOGICAL_CLUSTER, cluster,
                    "expected a Confluent Cloud cluster id: lkc- followed by letters and digits,"
                            + " such as lkc-abc123");
        }
        result.put(LOGICAL_CLUSTER, cluster);
        String pools = merged(IDENTITY_POOL_ID, configured, jaasOptions);
        if (pools != null) {
            if (!POOL_IDS.matcher(pools).matches()) {
                throw new ConfigException("JAAS option " + IDENTITY_POOL_ID, pools,
                        "expected an identity pool id, pool- followed by letters and digits, or"
                                + " several separated by commas without spaces, such as"
                                + " pool-AbCd,pool-EfGh");
            }
            result.put(IDENTITY_POOL_ID, pools);
        }
        return result;
    }

    /** The value given as the plain option or as {@code extension_<name>}; both must agree. */
    private static String merged(String name, Map<String, String> extensions,
            Map<String, ?> jaasOptions) {
        String plain = text(jaasOptions.get(name));
        String asExtension = extensions.get(name);
        if (plain != null && asExtension != null && !plain.equals(asExtension)) {
            throw new ConfigException("JAAS options " + name + " (" + plain + ") and "
                    + OAuthLoginConfig.EXTENSION_PREFIX + name + " (" + asExtension
                    + ") disagree: give the value once");
        }
        return plain != null ? plain : asExtension;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = (value instanceof Password ? ((Password) value).value() : value.toString())
                .trim();
        return s.isEmpty() ? null : s;
    }
}
