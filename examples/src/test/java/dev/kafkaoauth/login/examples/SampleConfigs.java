package dev.kafkaoauth.login.examples;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;

/**
 * A sample file's properties as a Kafka client hands them to its login callback handler:
 * config providers resolved ({@code ${env:...}}), SASL settings parsed by Kafka's definitions,
 * {@code sasl.jaas.config} read by Kafka's JAAS parser.
 */
final class SampleConfigs {

    private SampleConfigs() {
    }

    static Map<String, Object> asClientPasses(Map<?, ?> properties) {
        AbstractConfig parsed = new AbstractConfig(new ConfigDef().withClientSaslSupport(),
                properties, false);
        Map<String, Object> result = new HashMap<>(parsed.originals());
        result.putAll(parsed.values());
        return result;
    }

    static List<AppConfigurationEntry> jaasEntries(Map<String, ?> configs) {
        return JaasContext.loadClientContext(configs).configurationEntries();
    }

    static AuthenticateCallbackHandler newHandler(Map<String, ?> configs)
            throws ReflectiveOperationException {
        Object name = configs.get(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS);
        String className = name instanceof Class<?> c ? c.getName() : String.valueOf(name);
        return (AuthenticateCallbackHandler) Class.forName(className)
                .getDeclaredConstructor().newInstance();
    }
}
