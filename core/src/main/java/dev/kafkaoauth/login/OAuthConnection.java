package dev.kafkaoauth.login;

import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_AUTH_METHOD;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ID;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ID_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_SECRET;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_SECRET_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.CONNECT_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.EXTENSION_PREFIX;
import static dev.kafkaoauth.login.OAuthLoginConfig.LOGIN_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.MAX_TOKEN_AGE_SECONDS;
import static dev.kafkaoauth.login.OAuthLoginConfig.PARAM_PREFIX;
import static dev.kafkaoauth.login.OAuthLoginConfig.READ_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.REFRESH_FRACTION;
import static dev.kafkaoauth.login.OAuthLoginConfig.SCOPE;
import static dev.kafkaoauth.login.OAuthLoginConfig.SCOPE_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.TOKEN_ENDPOINT_URL;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;

/**
 * An OAuth connection as a product that embeds Kafka clients (a connector, an integration
 * platform) collects it in a form, turned into Kafka client properties:
 *
 * <pre>{@code
 * OAuthConnection connection = OAuthConnection.builder()
 *         .tokenEndpointUrl(form.tokenUrl())
 *         .clientId(form.clientId())
 *         .clientSecret(form.clientSecret())
 *         .scope(form.scope())
 *         .build();                  // ConnectionValidationException: problems per field
 * Map<String, Object> props = connection.toKafkaProperties();
 * props.put("bootstrap.servers", form.bootstrapServers());
 * props.put("security.protocol", "SASL_SSL");
 * }</pre>
 *
 * <p>{@link #toKafkaProperties()} sets {@code sasl.mechanism}, the handler class, the token
 * endpoint and {@code sasl.jaas.config} with every value quoted and escaped for Kafka's JAAS
 * parser, so that a secret holding quotes, backslashes, {@code ;} or any other character
 * arrives unchanged. It leaves {@code bootstrap.servers} and {@code security.protocol} to the
 * caller: they describe the cluster, not the OAuth connection ({@code SASL_SSL} for any real
 * cluster; a connection test fails when they would keep the client from logging in).
 *
 * <p>Field names, as {@link FieldProblem#field()} reports them: {@value #TOKEN_ENDPOINT_URL_FIELD},
 * {@code clientId}, {@code clientSecret}, {@code scope}, {@code clientAuthMethod},
 * {@code extension_<name>}, {@code param_<name>}, {@code loginTimeoutMs},
 * {@code connectTimeoutMs}, {@code readTimeoutMs}, {@code refreshFraction},
 * {@code maxTokenAgeSeconds}, and the option or property name given to
 * {@link Builder#jaasOption} or {@link Builder#property}. Instances are immutable;
 * {@link #toString()} never shows the secret.
 */
public final class OAuthConnection {

    /** Field name of the token endpoint URL. */
    public static final String TOKEN_ENDPOINT_URL_FIELD = "tokenEndpointUrl";
    /** Field name of the connect timeout ({@code sasl.login.connect.timeout.ms}). */
    public static final String CONNECT_TIMEOUT_MS_FIELD = "connectTimeoutMs";
    /** Field name of the read timeout ({@code sasl.login.read.timeout.ms}). */
    public static final String READ_TIMEOUT_MS_FIELD = "readTimeoutMs";

    private static final String LOGIN_MODULE = OAuthBearerLoginModule.class.getName();
    private static final String HIDDEN = "[hidden]";
    /** Client properties of our own fields, and the field each one is. */
    private static final Map<String, String> PROPERTY_FIELDS = Map.of(
            TOKEN_ENDPOINT_URL, TOKEN_ENDPOINT_URL_FIELD,
            CONNECT_TIMEOUT_MS, CONNECT_TIMEOUT_MS_FIELD,
            READ_TIMEOUT_MS, READ_TIMEOUT_MS_FIELD);
    /** Names that messages may use for a field other than its own name. */
    private static final Map<String, String> ALIASES = Map.of(
            CLIENT_ID_PROPERTY, CLIENT_ID,
            CLIENT_SECRET_PROPERTY, CLIENT_SECRET,
            SCOPE_PROPERTY, SCOPE,
            SaslConfigs.SASL_JAAS_CONFIG, FieldProblem.GENERAL,
            SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, FieldProblem.GENERAL);
    /** JAAS options whose values are not secret and may be shown. */
    private static final Set<String> SHOWN_OPTIONS = Set.of(CLIENT_ID, SCOPE,
            CLIENT_AUTH_METHOD, LOGIN_TIMEOUT_MS, REFRESH_FRACTION, MAX_TOKEN_AGE_SECONDS);
    private static final Pattern INVALID_VALUE =
            Pattern.compile("^Invalid value (.*) for configuration (.+?): ", Pattern.DOTALL);

    private final String handlerClass;
    private final Map<String, String> properties;
    private final Map<String, String> jaasOptions;
    private final Set<String> shownOptions;

    private OAuthConnection(AbstractBuilder<?> b) {
        this.handlerClass = b.handlerClass;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
        this.jaasOptions = Collections.unmodifiableMap(new LinkedHashMap<>(b.jaasOptions));
        this.shownOptions = Set.copyOf(b.shownOptions);
    }

    /** A builder for any identity provider, with {@link OAuthLoginCallbackHandler}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Kafka client properties of this connection, a new mutable map on each call: add
     * {@code bootstrap.servers} and {@code security.protocol} and pass it to any client.
     */
    public Map<String, Object> toKafkaProperties() {
        return kafkaProperties(handlerClass, properties, jaasOptions);
    }

    /** The value of {@code sasl.jaas.config}; it holds the secret, so never log it. */
    public Password jaasConfig() {
        return new Password(jaasConfig(jaasOptions));
    }

    /** The handler class these properties name. */
    public String handlerClass() {
        return handlerClass;
    }

    /**
     * A supplier of the token that Kafka clients with these properties share, for HTTP calls;
     * see {@link AccessTokenSupplier}. Close it when done.
     */
    public AccessTokenSupplier accessTokenSupplier() {
        return AccessTokenSupplier.fromProperties(toKafkaProperties());
    }

    /**
     * Tests this connection: validates it as a client would, fetches a fresh token (never a
     * cached one) and, when asked, logs in to the brokers.
     *
     * @param options what to test
     * @param otherClientProperties {@code bootstrap.servers}, {@code security.protocol} and any
     *     other client property needed to reach the brokers; may be empty
     */
    public CheckReport test(CheckOptions options, Map<String, ?> otherClientProperties) {
        Map<String, Object> all = new HashMap<>(otherClientProperties);
        all.putAll(toKafkaProperties());
        return test(all, options);
    }

    /**
     * Tests Kafka client properties that name one of this library's handlers: configuration,
     * a fresh token request (never the cached token), the token's subject, expiry and scopes,
     * and, when asked, a broker login with an admin client. Never throws for a bad
     * configuration or connection: the report says what failed, why and what to do, and
     * holds no secret.
     */
    public static CheckReport test(Map<String, ?> clientProperties, CheckOptions options) {
        Objects.requireNonNull(clientProperties, "clientProperties");
        Objects.requireNonNull(options, "options");
        return ConnectionCheck.run(clientProperties, options);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("OAuthConnection{handler=")
                .append(handlerClass.substring(handlerClass.lastIndexOf('.') + 1));
        b.append(", ").append(TOKEN_ENDPOINT_URL_FIELD).append('=')
                .append(displayUrl(properties.get(TOKEN_ENDPOINT_URL)));
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (!e.getKey().equals(TOKEN_ENDPOINT_URL)) {
                b.append(", ").append(fieldOfProperty(e.getKey())).append('=')
                        .append(PROPERTY_FIELDS.containsKey(e.getKey()) ? e.getValue() : HIDDEN);
            }
        }
        for (Map.Entry<String, String> e : jaasOptions.entrySet()) {
            b.append(", ").append(e.getKey()).append('=')
                    .append(shownOptions.contains(e.getKey()) ? e.getValue() : HIDDEN);
        }
        return b.append('}').toString();
    }

    private static String displayUrl(String url) {
        if (url == null) {
            return "none";
        }
        try {
            URI u = new URI(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":"
                    + u.getPort()) + (u.getPath() == null ? "" : u.getPath());
        } catch (URISyntaxException e) {
            return "[invalid]";
        }
    }

    static Map<String, Object> kafkaProperties(String handlerClass,
            Map<String, String> properties, Map<String, String> jaasOptions) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put(SaslConfigs.SASL_MECHANISM, OAuthBearerLoginModule.OAUTHBEARER_MECHANISM);
        result.put(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, handlerClass);
        result.putAll(properties);
        result.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(jaasOptions));
        return result;
    }

    static String jaasConfig(Map<String, String> options) {
        StringBuilder b = new StringBuilder(LOGIN_MODULE).append(" required");
        for (Map.Entry<String, String> e : options.entrySet()) {
            b.append(' ').append(e.getKey()).append('=').append(quote(e.getValue()));
        }
        return b.append(';').toString();
    }

    /**
     * A value as Kafka's JAAS parser (a {@link java.io.StreamTokenizer}) reads it back: in
     * double quotes, with backslash and quote escaped, and line breaks written as escapes
     * because a raw one ends a quoted string there.
     */
    static String quote(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\':
                case '"':
                    b.append('\\').append(c);
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                default:
                    b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String fieldOfProperty(String property) {
        return PROPERTY_FIELDS.getOrDefault(property, property);
    }

    /**
     * Collects the connection's fields. Every setter takes what a form holds; null or an
     * empty string clears the field. {@link #build()} validates with the handler's own rules
     * and reports each problem with its field. Handler modules (such as Confluent Cloud's)
     * extend it with their own fields; every setter returns the module's own builder type.
     *
     * @param <B> the concrete builder, which every setter returns
     */
    public abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {
        private final String handlerClass;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> jaasOptions = new LinkedHashMap<>();
        private final Set<String> shownOptions = new HashSet<>(SHOWN_OPTIONS);
        /** Stand-ins for required fields, so that the other fields can still be checked. */
        private final Map<String, String> placeholders = new HashMap<>(Map.of(
                TOKEN_ENDPOINT_URL_FIELD, "https://placeholder.invalid/token",
                CLIENT_ID, "placeholder-client", CLIENT_SECRET, "placeholder-secret"));

        /**
         * For handler modules (such as Confluent Cloud's) that build on this builder.
         *
         * @param handlerClass the login callback handler the properties name
         */
        protected AbstractBuilder(String handlerClass) {
            this.handlerClass = Objects.requireNonNull(handlerClass, "handlerClass");
        }

        /** The identity provider's token endpoint, {@code https://...}. Required. */
        public B tokenEndpointUrl(String url) {
            return property(TOKEN_ENDPOINT_URL, url);
        }

        /** The OAuth client id. Required. */
        public B clientId(String clientId) {
            return jaasOption(CLIENT_ID, clientId);
        }

        /** The OAuth client secret, sent exactly as given (white space included). */
        public B clientSecret(String clientSecret) {
            return jaasOption(CLIENT_SECRET, clientSecret);
        }

        /** The requested scope, space separated. Optional. */
        public B scope(String scope) {
            return jaasOption(SCOPE, scope);
        }

        /**
         * {@code client_secret_basic} (default with a secret), {@code client_secret_post},
         * {@code private_key_jwt} (default with a key or assertion file) or
         * {@code tls_client_auth}.
         */
        public B clientAuthMethod(String method) {
            return jaasOption(CLIENT_AUTH_METHOD, method);
        }

        /**
         * The OIDC issuer, instead of {@link #tokenEndpointUrl}: the token endpoint is read
         * from its discovery document at the first token request.
         */
        public B issuerUrl(String url) {
            shownOptions.add(OAuthLoginConfig.ISSUER_URL);
            return jaasOption(OAuthLoginConfig.ISSUER_URL, url);
        }

        /** A PKCS#8 PEM private key file for {@code private_key_jwt}, instead of a secret. */
        public B privateKeyFile(String path) {
            return property(OAuthLoginConfig.ASSERTION_PRIVATE_KEY_FILE, path);
        }

        /** The passphrase of an encrypted {@link #privateKeyFile}. Never shown. */
        public B privateKeyPassphrase(String passphrase) {
            return property(OAuthLoginConfig.ASSERTION_PRIVATE_KEY_PASSPHRASE, passphrase);
        }

        /**
         * A file holding a ready-made client assertion, read at each token request (workload
         * identity: a Kubernetes projected service-account token, an Entra federated token).
         */
        public B clientAssertionFile(String path) {
            shownOptions.add(OAuthLoginConfig.CLIENT_ASSERTION_FILE);
            return jaasOption(OAuthLoginConfig.CLIENT_ASSERTION_FILE, path);
        }

        /** A SASL extension sent to the brokers (field {@code extension_<name>}). */
        public B extension(String name, String value) {
            shownOptions.add(EXTENSION_PREFIX + name);
            return jaasOption(EXTENSION_PREFIX + name, value);
        }

        /** An extra token request parameter, such as {@code audience} ({@code param_<name>}). */
        public B requestParameter(String name, String value) {
            shownOptions.add(PARAM_PREFIX + name);
            return jaasOption(PARAM_PREFIX + name, value);
        }

        /** Longest wait of a login with no valid token, retries included (default 10000). */
        public B loginTimeoutMs(long ms) {
            return jaasOption(LOGIN_TIMEOUT_MS, Long.toString(ms));
        }

        /** TCP connect timeout to the identity provider (default 10000). */
        public B connectTimeoutMs(long ms) {
            return property(CONNECT_TIMEOUT_MS, Long.toString(ms));
        }

        /** Read timeout for the identity provider's answer (default 10000). */
        public B readTimeoutMs(long ms) {
            return property(READ_TIMEOUT_MS, Long.toString(ms));
        }

        /** Part of a token's lifetime after which it is refreshed, 0.1 to 0.8 (default 0.6). */
        public B refreshFraction(double fraction) {
            return jaasOption(REFRESH_FRACTION, Double.toString(fraction));
        }

        /** Longest time a token is used, whatever its expiry. */
        public B maxTokenAgeSeconds(long seconds) {
            return jaasOption(MAX_TOKEN_AGE_SECONDS, Long.toString(seconds));
        }

        /**
         * Any other option of the handler's JAAS line ({@link OAuthLoginConfig}), such as TLS
         * or proxy settings. Its value is treated as secret: never shown.
         */
        public B jaasOption(String name, String value) {
            Objects.requireNonNull(name, "name");
            set(jaasOptions, name, value);
            return self();
        }

        /** Any other client property the handler reads, such as a claim name. */
        public B property(String name, String value) {
            Objects.requireNonNull(name, "name");
            set(properties, name, value);
            return self();
        }

        /** For subclasses: a JAAS option whose value may be shown. */
        protected final B shownJaasOption(String name, String value) {
            shownOptions.add(name);
            return jaasOption(name, value);
        }

        /**
         * For subclasses: a stand-in value for a required field, used only while the other
         * fields are checked after this one failed.
         */
        protected final void placeholder(String field, String value) {
            placeholders.put(field, value);
        }

        private static void set(Map<String, String> map, String name, String value) {
            if (value == null || value.isEmpty()) {
                map.remove(name);
            } else {
                map.put(name, value);
            }
        }

        /**
         * Every problem of the fields, each with its field; empty when {@link #build()}
         * would succeed. Uses the handler's own validation (the same code as
         * {@code configure()}), and Kafka's own JAAS parser for the written form.
         */
        public List<FieldProblem> validate() {
            List<FieldProblem> problems = new ArrayList<>();
            Map<String, String> props = new LinkedHashMap<>(properties);
            Map<String, String> jaas = new LinkedHashMap<>(jaasOptions);
            unwritableOptions(jaas, problems);
            Set<String> reported = new HashSet<>();
            for (int round = 0; round <= props.size() + jaas.size() + placeholders.size();
                    round++) {
                try {
                    check(props, jaas);
                    return problems;
                } catch (ConfigException e) {
                    String field = fieldOf(e.getMessage());
                    if (!reported.add(field)) {
                        return problems; // a placeholder failed too: nothing more to learn
                    }
                    problems.add(new FieldProblem(field, message(field, e.getMessage())));
                    if (!stepAside(field, props, jaas)) {
                        return problems;
                    }
                }
            }
            return problems;
        }

        /**
         * Builds the connection.
         *
         * @throws ConnectionValidationException listing every problem with its field
         */
        public OAuthConnection build() {
            List<FieldProblem> problems = validate();
            if (!problems.isEmpty()) {
                throw new ConnectionValidationException(problems);
            }
            return new OAuthConnection(this);
        }

        private void check(Map<String, String> props, Map<String, String> jaas) {
            Map<String, Object> passed = ClientConfigs.asClientPasses(
                    kafkaProperties(handlerClass, props, jaas));
            ClientConfigs.newHandler(handlerClass).prepare(passed,
                    OAuthBearerLoginModule.OAUTHBEARER_MECHANISM,
                    ClientConfigs.jaasEntries(passed));
        }

        /** Options that do not come back unchanged from Kafka's JAAS parser. */
        private void unwritableOptions(Map<String, String> jaas, List<FieldProblem> problems) {
            for (String name : List.copyOf(jaas.keySet())) {
                String value = jaas.get(name);
                Object back;
                try {
                    Map<String, Object> passed = ClientConfigs.asClientPasses(Map.of(
                            SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(Map.of(name, value))));
                    back = ClientConfigs.jaasEntries(passed).get(0).getOptions().get(name);
                } catch (ConfigException | IllegalArgumentException e) {
                    back = null;
                }
                if (!value.equals(back)) {
                    problems.add(new FieldProblem(name, "the option name " + name + " cannot be"
                            + " written in sasl.jaas.config: use letters, digits and '_'"));
                    jaas.remove(name);
                }
            }
        }

        /** The field a validation message is about. */
        private String fieldOf(String message) {
            String lower = message.toLowerCase(Locale.ROOT);
            if (lower.contains("no client id")) {
                return CLIENT_ID;
            }
            if (lower.startsWith("no client secret")) {
                return CLIENT_SECRET;
            }
            Matcher m = INVALID_VALUE.matcher(message);
            if (m.find()) {
                String name = m.group(2).replaceFirst("^JAAS options? ", "");
                String field = fieldOfName(name);
                if (field != null) {
                    return field;
                }
            }
            String best = null;
            int bestAt = Integer.MAX_VALUE;
            for (String name : knownNames()) {
                Matcher n = Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "(?![\\w.])")
                        .matcher(message);
                if (n.find() && n.start() < bestAt) {
                    bestAt = n.start();
                    best = fieldOfName(name);
                }
            }
            return best == null ? FieldProblem.GENERAL : best;
        }

        private Set<String> knownNames() {
            Set<String> names = new HashSet<>(PROPERTY_FIELDS.keySet());
            names.addAll(ALIASES.keySet());
            names.addAll(SHOWN_OPTIONS);
            names.add(CLIENT_SECRET);
            names.addAll(properties.keySet());
            names.addAll(jaasOptions.keySet());
            names.addAll(placeholders.keySet());
            names.addAll(shownOptions);
            return names;
        }

        private String fieldOfName(String name) {
            if (PROPERTY_FIELDS.containsKey(name)) {
                return PROPERTY_FIELDS.get(name);
            }
            if (ALIASES.containsKey(name)) {
                return ALIASES.get(name);
            }
            return knownNames().contains(name) ? name : null;
        }

        /** A message fit to show: no value of a field that may be secret. */
        private String message(String field, String message) {
            String result = message;
            boolean shown = shownOptions.contains(field) || PROPERTY_FIELDS.containsValue(field);
            if (!shown) {
                Matcher m = INVALID_VALUE.matcher(result);
                if (m.find()) {
                    result = "Invalid value for " + m.group(2) + ": "
                            + result.substring(m.end());
                }
            }
            String secret = jaasOptions.get(CLIENT_SECRET);
            if (secret != null && secret.length() >= 4) {
                result = result.replace(secret, HIDDEN);
            }
            return result;
        }

        /** Takes a failed field out of the way; false when that is not possible. */
        private boolean stepAside(String field, Map<String, String> props,
                Map<String, String> jaas) {
            String property = PROPERTY_FIELDS.entrySet().stream()
                    .filter(e -> e.getValue().equals(field)).map(Map.Entry::getKey)
                    .findFirst().orElse(field);
            String stand = placeholders.get(field);
            if (props.containsKey(property) || property.equals(TOKEN_ENDPOINT_URL)) {
                set(props, property, stand);
                return true;
            }
            if (jaas.containsKey(field) || stand != null) {
                set(jaas, field, stand);
                return true;
            }
            return false;
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }

    /** The builder of {@link OAuthConnection#builder()}, for any identity provider. */
    public static final class Builder extends AbstractBuilder<Builder> {
        private Builder() {
            super(OAuthLoginCallbackHandler.class.getName());
        }
    }
}
