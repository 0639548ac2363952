package dev.kafkaoauth.login;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The extensions step of a connection check: the SASL extensions the client will send, and
 * the names Confluent Cloud reads (case-sensitive) checked against near misses.
 */
final class ExtensionRules {

    static final String LOGICAL_CLUSTER = "logicalCluster";
    static final String IDENTITY_POOL_ID = "identityPoolId";
    static final String CONFLUENT_HANDLER =
            "dev.kafkaoauth.login.confluent.ConfluentCloudLoginCallbackHandler";
    private static final String PREFIX = OAuthLoginConfig.EXTENSION_PREFIX;

    private final List<String> failures = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> remedies = new ArrayList<>();

    private ExtensionRules() {
    }

    /**
     * Judges the extensions.
     *
     * @param handler the handler class named in the configuration
     * @param jaasOptions every JAAS option, as Kafka's parser read them
     * @param toSend the extensions the handler will send, or null when its configuration failed
     *     (the {@code extension_} options are then shown as written)
     * @param bootstrap {@code bootstrap.servers}, or null
     */
    static CheckStep analyse(String handler, Map<String, ?> jaasOptions,
            Map<String, String> toSend, Object bootstrap) {
        ExtensionRules r = new ExtensionRules();
        Map<String, String> sent = toSend != null ? new TreeMap<>(toSend)
                : r.written(jaasOptions);
        boolean confluent = CONFLUENT_HANDLER.equals(handler) || (bootstrap != null
                && bootstrap.toString().toLowerCase(Locale.ROOT).contains(".confluent.cloud"));
        jaasOptions.forEach((key, value) -> r.nearMiss(key, String.valueOf(value), handler));
        if (confluent && toSend != null && !sent.containsKey(LOGICAL_CLUSTER)) {
            r.failures.add("Confluent Cloud refuses a login without the " + LOGICAL_CLUSTER
                    + " extension");
            r.remedies.add(CONFLUENT_HANDLER.equals(handler) ? "add the JAAS option "
                    + LOGICAL_CLUSTER + "=\"lkc-...\"" : "add the JAAS option " + PREFIX
                    + LOGICAL_CLUSTER + "=\"lkc-...\" (the cluster id in the Confluent Cloud"
                    + " console)");
        }
        Map<String, String> details = new LinkedHashMap<>();
        sent.forEach((k, v) -> details.put(k, v));
        if (details.isEmpty()) {
            details.put("extensions", "-");
        }
        String summary = sent.isEmpty() ? "No SASL extensions will be sent"
                : "SASL extensions to send: " + String.join(", ", sent.keySet());
        if (!r.failures.isEmpty()) {
            List<String> all = new ArrayList<>(r.failures);
            all.addAll(r.warnings);
            return new CheckStep(CheckStep.EXTENSIONS, CheckStatus.FAIL, summary,
                    String.join("; ", all), String.join("; ", r.remedies), details);
        }
        if (!r.warnings.isEmpty()) {
            return new CheckStep(CheckStep.EXTENSIONS, CheckStatus.WARN, summary,
                    String.join("; ", r.warnings), String.join("; ", r.remedies), details);
        }
        return CheckStep.pass(CheckStep.EXTENSIONS, summary, details);
    }

    private Map<String, String> written(Map<String, ?> jaasOptions) {
        Map<String, String> out = new TreeMap<>();
        jaasOptions.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                out.put(k.substring(PREFIX.length()), String.valueOf(v));
            }
        });
        return out;
    }

    /** A JAAS option that is almost, but not exactly, one of the names Confluent reads. */
    private void nearMiss(String key, String value, String handler) {
        boolean extension = key.startsWith(PREFIX);
        String name = extension ? key.substring(PREFIX.length()) : key;
        String right = confluentName(name, extension ? value : "");
        if (right == null) {
            return;
        }
        boolean confluentHandler = CONFLUENT_HANDLER.equals(handler);
        if (name.equals(right)) {
            if (!extension && !confluentHandler) {
                warnings.add("JAAS option " + key + " is read only by the Confluent Cloud"
                        + " handler: this one ignores it and sends no " + right);
                remedies.add("rename " + key + " to " + PREFIX + key + ", or use "
                        + CONFLUENT_HANDLER);
            }
            return;
        }
        failures.add("JAAS option " + key + " does not give the " + right + " extension"
                + " Confluent Cloud reads (names are case-sensitive)" + (extension
                ? ": it sends an extension named " + name + ", which the broker ignores" : ""));
        remedies.add("rename " + key + " to " + (extension || !confluentHandler ? PREFIX : "")
                + right);
    }

    private static String confluentName(String name, String value) {
        String norm = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        if (norm.equals("logicalcluster") || norm.equals("lkc") || value.startsWith("lkc-")) {
            return LOGICAL_CLUSTER;
        }
        if (norm.equals("identitypoolid") || norm.equals("identitypool")
                || norm.equals("poolid") || value.startsWith("pool-")) {
            return IDENTITY_POOL_ID;
        }
        return null;
    }
}
