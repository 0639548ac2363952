package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.ALLOWED_URLS_SYSTEM_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_AUTH_METHOD;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ID;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ID_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_SECRET;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_SECRET_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.CONNECT_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.DEFAULT_HTTP_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.DEFAULT_LOGIN_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.DEFAULT_REFRESH_FRACTION;
import static dev.kafkaoauth.login.OAuthLoginConfig.EXTENSION_PREFIX;
import static dev.kafkaoauth.login.OAuthLoginConfig.HEADER_URLENCODE;
import static dev.kafkaoauth.login.OAuthLoginConfig.LOGIN_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.MAX_TOKEN_AGE_SECONDS;
import static dev.kafkaoauth.login.OAuthLoginConfig.PARAM_PREFIX;
import static dev.kafkaoauth.login.OAuthLoginConfig.READ_TIMEOUT_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.REFRESH_FRACTION;
import static dev.kafkaoauth.login.OAuthLoginConfig.RETRY_BACKOFF_MAX_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.RETRY_BACKOFF_MS;
import static dev.kafkaoauth.login.OAuthLoginConfig.SCOPE;
import static dev.kafkaoauth.login.OAuthLoginConfig.SCOPE_CLAIM_NAME;
import static dev.kafkaoauth.login.OAuthLoginConfig.SCOPE_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.SUB_CLAIM_NAME;
import static dev.kafkaoauth.login.OAuthLoginConfig.TOKEN_CACHE;
import static dev.kafkaoauth.login.OAuthLoginConfig.TOKEN_ENDPOINT_URL;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Every setting of one handler, read from Kafka's client properties and the JAAS options,
 * validated, and immutable. {@link #toString()} never shows the secret.
 */
public final class LoginOptions {

    /** Kafka's rule for SASL extension names (RFC 7628 section 3.1: key = 1*(ALPHA)). */
    private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z]+");
    /** Kafka's rule for SASL extension values (RFC 7628 section 3.1). */
    private static final Pattern EXTENSION_VALUE = Pattern.compile("[\\x21-\\x7E \\t\\r\\n]+");
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Set<String> RESERVED_PARAMS = Set.of("grant_type", "client_id",
            "client_secret", "scope", "client_assertion", "client_assertion_type");
    private static final Set<String> KNOWN_JAAS_OPTIONS = Set.of(CLIENT_ID, CLIENT_SECRET, SCOPE,
            CLIENT_AUTH_METHOD, LOGIN_TIMEOUT_MS, REFRESH_FRACTION, MAX_TOKEN_AGE_SECONDS,
            TOKEN_CACHE);
    private static final double MIN_REFRESH_FRACTION = 0.1;
    private static final double MAX_REFRESH_FRACTION = 0.8;

    private final URI tokenEndpoint;
    private final String clientId;
    private final Secret clientSecret;
    private final String scope;
    private final ClientAuthMethod authMethod;
    private final boolean urlencodeBasicCredentials;
    private final Map<String, String> requestParameters;
    private final Map<String, String> extensions;
    private final String subClaimName;
    private final String scopeClaimName;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final long retryBackoffMs;
    private final long retryBackoffMaxMs;
    private final long loginTimeoutMs;
    private final double refreshFraction;
    private final Duration maxTokenAge;
    private final boolean sharedCache;
    private final Set<String> ignoredJaasOptions;
    private final TlsOptions tls;
    private final ProxyOptions proxy;

    private LoginOptions(Reader r, Set<String> extraJaasOptions) {
        tokenEndpoint = r.endpoint();
        clientId = r.clientId();
        clientSecret = r.secret();
        if (clientSecret != null && clientId == null) {
            throw new ConfigException(CLIENT_SECRET_PROPERTY + " (or JAAS option " + CLIENT_SECRET
                    + ") is set but no client id is: set " + CLIENT_ID_PROPERTY
                    + " or the JAAS option " + CLIENT_ID);
        }
        scope = r.string(SCOPE_PROPERTY, SCOPE);
        authMethod = r.authMethod();
        if (clientSecret == null && !isFile(tokenEndpoint)) {
            throw new ConfigException("No client secret is set for client id '" + clientId
                    + "': set " + CLIENT_SECRET_PROPERTY + " or the JAAS option " + CLIENT_SECRET);
        }
        urlencodeBasicCredentials = r.urlencode();
        requestParameters = r.prefixed(PARAM_PREFIX, LoginOptions::checkParam);
        extensions = r.prefixed(EXTENSION_PREFIX, LoginOptions::checkExtension);
        subClaimName = r.claimName(SUB_CLAIM_NAME, "sub");
        scopeClaimName = r.claimName(SCOPE_CLAIM_NAME, "scope");
        connectTimeoutMs = (int) r.positiveLong(CONNECT_TIMEOUT_MS, DEFAULT_HTTP_TIMEOUT_MS,
                Integer.MAX_VALUE);
        readTimeoutMs = (int) r.positiveLong(READ_TIMEOUT_MS, DEFAULT_HTTP_TIMEOUT_MS,
                Integer.MAX_VALUE);
        retryBackoffMs = r.positiveLong(RETRY_BACKOFF_MS, 100, Long.MAX_VALUE);
        retryBackoffMaxMs = Math.max(retryBackoffMs,
                r.positiveLong(RETRY_BACKOFF_MAX_MS, 10_000, Long.MAX_VALUE));
        loginTimeoutMs = r.jaasPositiveLong(LOGIN_TIMEOUT_MS, DEFAULT_LOGIN_TIMEOUT_MS);
        refreshFraction = r.refreshFraction();
        long maxAge = r.jaasPositiveLong(MAX_TOKEN_AGE_SECONDS, 0);
        maxTokenAge = maxAge == 0 ? null : Duration.ofSeconds(maxAge);
        sharedCache = r.sharedCache();
        ignoredJaasOptions = r.unknownJaasOptions(extraJaasOptions);
        tls = "https".equalsIgnoreCase(tokenEndpoint.getScheme()) ? TlsOptions.parse(r.jaas)
                : TlsOptions.DEFAULT;
        proxy = isFile(tokenEndpoint) ? null : ProxyOptions.parse(r.jaas);
    }

    /**
     * Reads and validates the options.
     *
     * @param configs Kafka's client configuration as passed to {@code configure()}
     * @param jaasOptions the options of the login module's JAAS entry
     * @param extraJaasOptions JAAS option names that a subclass handler reads itself
     * @throws ConfigException naming the option at fault and what is expected
     */
    public static LoginOptions parse(Map<String, ?> configs, Map<String, ?> jaasOptions,
            Set<String> extraJaasOptions) {
        return new LoginOptions(new Reader(configs, jaasOptions), extraJaasOptions);
    }

    private static void checkExtension(String name, String value) {
        if (!EXTENSION_NAME.matcher(name).matches() || "auth".equals(name)) {
            throw new ConfigException("JAAS option " + EXTENSION_PREFIX + name
                    + " names an invalid SASL extension: a name is one or more ASCII letters"
                    + " and may not be 'auth' (RFC 7628 section 3.1)");
        }
        if (!EXTENSION_VALUE.matcher(value).matches()) {
            throw new ConfigException("JAAS option " + EXTENSION_PREFIX + name
                    + " has an invalid value: expected one or more printable ASCII characters,"
                    + " spaces or tabs (RFC 7628 section 3.1)");
        }
    }

    private static void checkParam(String name, String value) {
        if (!PARAM_NAME.matcher(name).matches() || RESERVED_PARAMS.contains(name)) {
            throw new ConfigException("JAAS option " + PARAM_PREFIX + name
                    + " is not allowed: a parameter name is letters, digits, '_', '.' or '-' and"
                    + " may not be one the handler sets itself ("
                    + String.join(", ", new TreeSet<>(RESERVED_PARAMS)) + ")");
        }
        if (value.isEmpty()) {
            throw new ConfigException("JAAS option " + PARAM_PREFIX + name
                    + " is empty: give a value or remove the option");
        }
    }

    private static boolean isFile(URI uri) {
        return "file".equals(uri.getScheme());
    }

    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    public boolean isFileEndpoint() {
        return isFile(tokenEndpoint);
    }

    /** The endpoint's host (or file name) for messages: never a query string or user info. */
    public String endpointForDisplay() {
        if (isFileEndpoint()) {
            return tokenEndpoint.getPath();
        }
        int port = tokenEndpoint.getPort();
        return tokenEndpoint.getScheme() + "://" + tokenEndpoint.getHost()
                + (port < 0 ? "" : ":" + port) + tokenEndpoint.getPath();
    }

    public String endpointHost() {
        return isFileEndpoint() ? "file" : tokenEndpoint.getHost();
    }

    public String clientId() {
        return clientId;
    }

    public Secret clientSecret() {
        return clientSecret;
    }

    public String scope() {
        return scope;
    }

    public ClientAuthMethod authMethod() {
        return authMethod;
    }

    public boolean urlencodeBasicCredentials() {
        return urlencodeBasicCredentials;
    }

    public Map<String, String> requestParameters() {
        return requestParameters;
    }

    public Map<String, String> extensions() {
        return extensions;
    }

    public String subClaimName() {
        return subClaimName;
    }

    public String scopeClaimName() {
        return scopeClaimName;
    }

    public int connectTimeoutMs() {
        return connectTimeoutMs;
    }

    public int readTimeoutMs() {
        return readTimeoutMs;
    }

    public long retryBackoffMs() {
        return retryBackoffMs;
    }

    public long retryBackoffMaxMs() {
        return retryBackoffMaxMs;
    }

    public long loginTimeoutMs() {
        return loginTimeoutMs;
    }

    public double refreshFraction() {
        return refreshFraction;
    }

    /** The longest time a token is used, or null for no limit but its expiry. */
    public Duration maxTokenAge() {
        return maxTokenAge;
    }

    public boolean sharedCache() {
        return sharedCache;
    }

    /** JAAS options that no handler reads, to be reported as ignored. */
    public Set<String> ignoredJaasOptions() {
        return ignoredJaasOptions;
    }

    /** TLS to the identity provider from the JAAS {@code ssl.*} options. */
    public TlsOptions tls() {
        return tls;
    }

    /** The handler's own proxy, or null when the JVM's proxy settings apply. */
    public ProxyOptions proxy() {
        return proxy;
    }

    /** The key of the token these options would fetch: every input of the token request. */
    public CredentialKey credentialKey() {
        return new CredentialKey(tokenEndpoint.toString(), clientId, clientSecret, scope,
                authMethod, urlencodeBasicCredentials, requestParameters, connectTimeoutMs,
                readTimeoutMs, retryBackoffMs, retryBackoffMaxMs, maxTokenAge, refreshFraction,
                loginTimeoutMs, tls, proxy);
    }

    @Override
    public String toString() {
        return "LoginOptions{endpoint=" + endpointForDisplay() + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "none" : clientSecret)
                + ", scope=" + scope + ", authMethod=" + authMethod.configName()
                + ", extensions=" + extensions + ", parameters=" + requestParameters.keySet()
                + ", subClaim=" + subClaimName + ", scopeClaim=" + scopeClaimName
                + ", connectTimeoutMs=" + connectTimeoutMs + ", readTimeoutMs=" + readTimeoutMs
                + ", loginTimeoutMs=" + loginTimeoutMs + ", refreshFraction=" + refreshFraction
                + ", maxTokenAge=" + maxTokenAge + ", tokenCache="
                + (sharedCache ? "shared" : "private") + ", tls=" + tls + ", proxy=" + proxy
                + "}";
    }

    /** Reads raw values with Kafka's precedence: a client property beats the JAAS option. */
    private static final class Reader {
        private final Map<String, ?> configs;
        private final Map<String, ?> jaas;

        Reader(Map<String, ?> configs, Map<String, ?> jaas) {
            this.configs = configs == null ? Map.of() : configs;
            this.jaas = jaas == null ? Map.of() : jaas;
        }

        private static String text(Object value) {
            if (value == null) {
                return null;
            }
            String s = value instanceof Password ? ((Password) value).value() : value.toString();
            return s.isEmpty() ? null : s;
        }

        String string(String property, String jaasOption) {
            String fromProperty = property == null ? null : text(configs.get(property));
            if (fromProperty != null) {
                return fromProperty.trim();
            }
            String fromJaas = jaasOption == null ? null : text(jaas.get(jaasOption));
            return fromJaas == null ? null : fromJaas.trim();
        }

        URI endpoint() {
            String value = text(configs.get(TOKEN_ENDPOINT_URL));
            if (value == null) {
                throw new ConfigException(TOKEN_ENDPOINT_URL + " is not set: expected the"
                        + " identity provider's token endpoint, such as"
                        + " https://idp.example.com/oauth2/token");
            }
            String shown = withoutUserInfo(value.trim());
            URI uri;
            try {
                uri = new URI(value.trim());
            } catch (URISyntaxException e) {
                throw new ConfigException(TOKEN_ENDPOINT_URL, shown,
                        "expected an absolute https:, http: or file: URL ("
                                + e.getReason() + ")");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            switch (scheme) {
                case "https":
                case "http":
                    if (uri.getHost() == null) {
                        throw new ConfigException(TOKEN_ENDPOINT_URL, shown,
                                "expected a URL with a host name, such as"
                                        + " https://idp.example.com/oauth2/token");
                    }
                    if (uri.getRawUserInfo() != null) {
                        throw new ConfigException(TOKEN_ENDPOINT_URL + " carries user"
                                + " information: put credentials in the client id and secret,"
                                + " not in the URL");
                    }
                    break;
                case "file":
                    if (uri.getPath() == null || uri.getPath().isEmpty()) {
                        throw new ConfigException(TOKEN_ENDPOINT_URL, shown,
                                "expected a file URL with a path, such as file:/var/run/token");
                    }
                    FilePolicy.check(TOKEN_ENDPOINT_URL, Paths.get(uri));
                    break;
                default:
                    throw new ConfigException(TOKEN_ENDPOINT_URL, shown,
                            "expected an https:, http: or file: URL");
            }
            checkAllowed(uri.toString());
            return uri;
        }

        /** A URL as it may be shown: user information (which may hold a password) hidden. */
        private static String withoutUserInfo(String url) {
            // The last '@': a password typed with '/' or '@' in it must stay hidden too.
            int scheme = url.indexOf("://");
            int at = url.lastIndexOf('@');
            if (scheme < 0 || at < scheme) {
                return url;
            }
            return url.substring(0, scheme + 3) + "[hidden]" + url.substring(at);
        }

        private static void checkAllowed(String url) {
            String allowed = System.getProperty(ALLOWED_URLS_SYSTEM_PROPERTY);
            if (allowed == null) {
                return;
            }
            boolean listed = Arrays.stream(allowed.split(","))
                    .map(String::trim)
                    .anyMatch(url::equals);
            if (!listed) {
                throw new ConfigException(TOKEN_ENDPOINT_URL, url, "this URL is not in the"
                        + " JVM's allow-list, the system property " + ALLOWED_URLS_SYSTEM_PROPERTY
                        + ": add it there (exact string) or remove the property");
            }
        }

        String clientId() {
            String id = string(CLIENT_ID_PROPERTY, CLIENT_ID);
            Object secret = configs.get(CLIENT_SECRET_PROPERTY) != null
                    ? configs.get(CLIENT_SECRET_PROPERTY) : jaas.get(CLIENT_SECRET);
            boolean fileEndpoint = "file".equalsIgnoreCase(
                    String.valueOf(text(configs.get(TOKEN_ENDPOINT_URL))).split(":", 2)[0]);
            if (id == null && text(secret) == null && !fileEndpoint) {
                throw new ConfigException("No client id is set: set " + CLIENT_ID_PROPERTY
                        + " or the JAAS option " + CLIENT_ID + " (with a client secret)");
            }
            return id;
        }

        Secret secret() {
            Object value = configs.get(CLIENT_SECRET_PROPERTY);
            if (text(value) == null) {
                value = jaas.get(CLIENT_SECRET);
            }
            // Secrets are not trimmed: white space may be part of them (a warning says so).
            return Secret.of(text(value));
        }

        ClientAuthMethod authMethod() {
            String value = text(jaas.get(CLIENT_AUTH_METHOD));
            if (value == null) {
                return ClientAuthMethod.CLIENT_SECRET_BASIC;
            }
            ClientAuthMethod method = ClientAuthMethod.fromConfig(value.trim());
            if (method == null) {
                throw new ConfigException(CLIENT_AUTH_METHOD, value,
                        "expected client_secret_basic or client_secret_post");
            }
            return method;
        }

        boolean urlencode() {
            // Kafka 4.x defines this property with the default false, so a parsed false cannot be
            // told from an unset one. RFC 6749 section 2.3.1 asks for encoding, and encoding
            // changes nothing for ids and secrets made of letters, digits and "-._~"; so only
            // an explicit string "false" (older clients pass unknown properties through as
            // strings) turns it off.
            Object value = configs.get(HEADER_URLENCODE);
            if (value instanceof String) {
                String s = ((String) value).trim();
                if (!"true".equalsIgnoreCase(s) && !"false".equalsIgnoreCase(s)) {
                    throw new ConfigException(HEADER_URLENCODE, value, "expected true or false");
                }
                return Boolean.parseBoolean(s);
            }
            return true;
        }

        Map<String, String> prefixed(String prefix, BiConsumer<String, String> check) {
            Map<String, String> result = new TreeMap<>();
            for (Map.Entry<String, ?> e : jaas.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    String name = e.getKey().substring(prefix.length());
                    String value = e.getValue() == null ? "" : text(e.getValue());
                    value = value == null ? "" : value;
                    check.accept(name, value);
                    result.put(name, value);
                }
            }
            return Collections.unmodifiableMap(new LinkedHashMap<>(result));
        }

        String claimName(String property, String fallback) {
            String value = string(property, null);
            return value == null ? fallback : value;
        }

        long positiveLong(String property, long fallback, long max) {
            return checkedLong(property, configs.get(property), fallback, max);
        }

        long jaasPositiveLong(String option, long fallback) {
            return checkedLong("JAAS option " + option, jaas.get(option), fallback,
                    Long.MAX_VALUE);
        }

        private static long checkedLong(String name, Object raw, long fallback, long max) {
            String value = text(raw);
            if (value == null) {
                return fallback;
            }
            long parsed;
            try {
                parsed = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(name, value, "expected a whole number");
            }
            if (parsed < 0 || parsed > max) {
                throw new ConfigException(name, value, "expected a number from 0 to " + max);
            }
            return parsed;
        }

        double refreshFraction() {
            String value = text(jaas.get(REFRESH_FRACTION));
            if (value == null) {
                return DEFAULT_REFRESH_FRACTION;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                parsed = Double.NaN;
            }
            if (!(parsed >= MIN_REFRESH_FRACTION && parsed <= MAX_REFRESH_FRACTION)) {
                throw new ConfigException("JAAS option " + REFRESH_FRACTION, value,
                        "expected a number from " + MIN_REFRESH_FRACTION + " to "
                                + MAX_REFRESH_FRACTION + " (the part of a token's lifetime after"
                                + " which it is refreshed)");
            }
            return parsed;
        }

        boolean sharedCache() {
            String value = text(jaas.get(TOKEN_CACHE));
            if (value == null || "shared".equals(value.trim())) {
                return true;
            }
            if ("private".equals(value.trim())) {
                return false;
            }
            throw new ConfigException("JAAS option " + TOKEN_CACHE, value,
                    "expected shared or private");
        }

        Set<String> unknownJaasOptions(Set<String> extra) {
            Set<String> unknown = new TreeSet<>();
            for (String name : jaas.keySet()) {
                if (!KNOWN_JAAS_OPTIONS.contains(name) && !extra.contains(name)
                        && !TlsOptions.NAMES.contains(name) && !ProxyOptions.NAMES.contains(name)
                        && !name.startsWith(EXTENSION_PREFIX) && !name.startsWith(PARAM_PREFIX)
                        && !name.startsWith("unsecuredLogin")) {
                    unknown.add(name);
                }
            }
            return Collections.unmodifiableSet(unknown);
        }
    }
}
