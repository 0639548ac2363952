package dev.kafkaoauth.login;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.JaasContext;

/**
 * Client properties as a Kafka client hands them to its login callback handler: parsed with
 * Kafka's own definitions of the SASL settings (types and defaults), unknown ones passed
 * through, and {@code sasl.jaas.config} read by Kafka's own JAAS parser. Going through Kafka's
 * code rather than a copy of it is what makes a check or a supplier see exactly what the
 * clients see, down to the token cache key.
 */
final class ClientConfigs {

    private ClientConfigs() {
    }

    /** The configs a client's channel builder would pass to configure(). */
    static Map<String, Object> asClientPasses(Map<String, ?> properties) {
        AbstractConfig parsed = new AbstractConfig(new ConfigDef().withClientSaslSupport(),
                properties, false);
        Map<String, Object> result = new HashMap<>(parsed.originals());
        result.putAll(parsed.values());
        return result;
    }

    /** The login module entries of {@code sasl.jaas.config}, read by Kafka's parser. */
    static List<AppConfigurationEntry> jaasEntries(Map<String, ?> clientPasses) {
        if (clientPasses.get(SaslConfigs.SASL_JAAS_CONFIG) == null) {
            throw new ConfigException(SaslConfigs.SASL_JAAS_CONFIG + " is not set: expected"
                    + " org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
                    + " required clientId=\"...\" clientSecret=\"...\";");
        }
        try {
            return JaasContext.loadClientContext(clientPasses).configurationEntries();
        } catch (IllegalArgumentException e) {
            // Kafka's parser messages may quote parts of the text, which holds the secret.
            throw new ConfigException(SaslConfigs.SASL_JAAS_CONFIG + " cannot be parsed by"
                    + " Kafka's JAAS parser: expected LoginModuleClass required"
                    + " name=\"value\" ...; with each value in double quotes and \\ and \""
                    + " escaped with \\");
        }
    }

    /** A new handler of the named class, which must be one of this library's. */
    static OAuthLoginCallbackHandler newHandler(Object className) {
        String name = className == null ? null
                : className instanceof Class ? ((Class<?>) className).getName()
                : className.toString().trim();
        if (name == null || name.isEmpty()) {
            throw new ConfigException(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS
                    + " is not set: Kafka would use its own handler. Set it to "
                    + OAuthLoginCallbackHandler.class.getName() + " (or the Confluent Cloud"
                    + " handler)");
        }
        try {
            Class<?> c = Class.forName(name, true, OAuthLoginCallbackHandler.class
                    .getClassLoader());
            if (!OAuthLoginCallbackHandler.class.isAssignableFrom(c)) {
                throw new ConfigException(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, name,
                        "expected " + OAuthLoginCallbackHandler.class.getName()
                                + " or a subclass, such as the Confluent Cloud handler");
            }
            return (OAuthLoginCallbackHandler) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            ConfigException ce = new ConfigException(
                    SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, name,
                    "cannot load or create this class (" + e.getClass().getSimpleName()
                            + "): check the class name and that its jar is on the class path");
            ce.initCause(e);
            throw ce;
        }
    }
}
