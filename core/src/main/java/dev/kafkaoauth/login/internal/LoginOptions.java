package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.ALLOWED_URLS_SYSTEM_PROPERTY;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_ALGORITHM_OPTION;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CERTIFICATE_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CLAIM_ISS;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CLAIM_SUB;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_PRIVATE_KEY_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_KEY_ID;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ASSERTION_FILE;
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
import static dev.kafkaoauth.login.OAuthLoginConfig.GRANT_TYPE;
import static dev.kafkaoauth.login.OAuthLoginConfig.HEADER_URLENCODE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ISSUER_URL;
import static dev.kafkaoauth.login.OAuthLoginConfig.JWT_BEARER_GRANT;
import static dev.kafkaoauth.login.OAuthLoginConfig.JWT_RETRIEVER_CLASS;
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
            "client_secret", "scope", "client_assertion", "client_assertion_type", "assertion");
    private static final Set<String> KNOWN_JAAS_OPTIONS = Set.of(CLIENT_ID, CLIENT_SECRET, SCOPE,
            CLIENT_AUTH_METHOD, LOGIN_TIMEOUT_MS, REFRESH_FRACTION, MAX_TOKEN_AGE_SECONDS,
            TOKEN_CACHE, GRANT_TYPE, CLIENT_ASSERTION_FILE, ISSUER_URL, ASSERTION_KEY_ID,
            ASSERTION_CERTIFICATE_FILE, ASSERTION_ALGORITHM_OPTION);
    private static final double MIN_REFRESH_FRACTION = 0.1;
    private static final double MAX_REFRESH_FRACTION = 0.8;

    /** The configured token endpoint, or null when it is discovered from {@link #issuer}. */
    private final URI tokenEndpoint;
    private final URI issuer;
    private final boolean jwtBearerGrant;
    private final AssertionOptions assertion;
    private final ClientAssertions clientAssertions;
    private final String clientId;
    private final Secret clientSecret;
    private final String scope;
    private final ClientAuthMethod authMethod;
    private final boolean authMethodExplicit;
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
        issuer = r.issuer();
        tokenEndpoint = r.endpoint(issuer != null);
        jwtBearerGrant = r.jwtBearerGrant();
        assertion = AssertionOptions.parse(r.configs, r.jaas);
        clientId = r.string(CLIENT_ID_PROPERTY, CLIENT_ID);
        clientSecret = r.secret();
        if (clientSecret != null && clientId == null) {
            throw new ConfigException(CLIENT_SECRET_PROPERTY + " (or JAAS option " + CLIENT_SECRET
                    + ") is set but no client id is: set " + CLIENT_ID_PROPERTY
                    + " or the JAAS option " + CLIENT_ID);
        }
        scope = r.string(SCOPE_PROPERTY, SCOPE);
        tls = "https".equalsIgnoreCase(location().getScheme()) ? TlsOptions.parse(r.jaas)
                : TlsOptions.DEFAULT;
        ClientAuthMethod explicit = r.authMethod();
        authMethodExplicit = explicit != null;
        authMethod = chooseAuthMethod(explicit);
        // Reads the key now, so that a broken or missing key fails configure(); the token
        // endpoint client of this credential key signs with it.
        clientAssertions = assertion.present() && !isFileEndpoint()
                ? new ClientAssertions(assertion, clientId) : null;
        checkClientId();
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
        proxy = isFileEndpoint() ? null : ProxyOptions.parse(r.jaas);
    }

    /** The option that holds the secret, for messages. */
    private static final String SECRET_OPTION = CLIENT_SECRET_PROPERTY + " (or JAAS option "
            + CLIENT_SECRET + ")";
    private static final String ASSERTION_SOURCES = ASSERTION_PRIVATE_KEY_FILE
            + " (a PKCS#8 PEM key), " + ASSERTION_FILE + " or the JAAS option "
            + CLIENT_ASSERTION_FILE;

    private ClientAuthMethod chooseAuthMethod(ClientAuthMethod explicit) {
        if (isFileEndpoint()) {
            if (assertion.present()) {
                throw new ConfigException(TOKEN_ENDPOINT_URL + " is a file: URL, which reads a"
                        + " ready-made access token, and " + assertion.sourceOption() + " is"
                        + " set too: keep one");
            }
            if (jwtBearerGrant) {
                throw bothSet(TOKEN_ENDPOINT_URL + " (a file: URL, which reads a ready-made"
                        + " access token)", "the grant " + JWT_BEARER_GRANT + " (JAAS option "
                        + GRANT_TYPE + " or " + JWT_RETRIEVER_CLASS + ")", "a file is read, no"
                        + " grant is requested");
            }
            return ClientAuthMethod.CLIENT_SECRET_BASIC;
        }
        if (explicit == ClientAuthMethod.TLS_CLIENT_AUTH) {
            if (clientSecret != null) {
                throw bothSet("JAAS option " + CLIENT_AUTH_METHOD + "=tls_client_auth",
                        SECRET_OPTION, "mutual TLS sends no secret");
            }
            if (!tls.hasClientCertificate()) {
                throw new ConfigException("JAAS option " + CLIENT_AUTH_METHOD + " is"
                        + " tls_client_auth but no client certificate is set: set the JAAS"
                        + " options ssl.keystore.location (with ssl.keystore.password) or"
                        + " ssl.keystore.key and ssl.keystore.certificate.chain, with an https:"
                        + " endpoint");
            }
            if (assertion.present() && !jwtBearerGrant) {
                throw bothSet("JAAS option " + CLIENT_AUTH_METHOD + "=tls_client_auth",
                        assertion.sourceOption(), "the client authenticates with one of them");
            }
            return explicit;
        }
        if (!jwtBearerGrant) {
            if (assertion.present()) {
                if (clientSecret != null) {
                    throw bothSet(SECRET_OPTION, assertion.sourceOption(), "the client"
                            + " authenticates either with a secret or with an assertion");
                }
                if (explicit != null && explicit != ClientAuthMethod.PRIVATE_KEY_JWT) {
                    throw bothSet("JAAS option " + CLIENT_AUTH_METHOD + "="
                            + explicit.configName(), assertion.sourceOption(), "an assertion"
                            + " means private_key_jwt");
                }
                return ClientAuthMethod.PRIVATE_KEY_JWT;
            }
            if (explicit == ClientAuthMethod.PRIVATE_KEY_JWT) {
                throw new ConfigException("JAAS option " + CLIENT_AUTH_METHOD + " is"
                        + " private_key_jwt but no assertion source is set: set "
                        + ASSERTION_SOURCES);
            }
            if (explicit == ClientAuthMethod.NONE) {
                throw new ConfigException(CLIENT_AUTH_METHOD, "none", "none is only for the"
                        + " grant " + JWT_BEARER_GRANT + "; expected client_secret_basic,"
                        + " client_secret_post, private_key_jwt or tls_client_auth");
            }
            if (clientSecret == null && clientId == null) {
                throw noClientId();
            }
            if (clientSecret == null) {
                throw new ConfigException("No client secret is set for client id '" + clientId
                        + "': set " + CLIENT_SECRET_PROPERTY + " or the JAAS option "
                        + CLIENT_SECRET + " (or, for private_key_jwt, " + ASSERTION_SOURCES + ")");
            }
            return explicit == null ? ClientAuthMethod.CLIENT_SECRET_BASIC : explicit;
        }
        if (!assertion.present()) {
            throw new ConfigException("The grant " + JWT_BEARER_GRANT + " (JAAS option "
                    + GRANT_TYPE + " or " + JWT_RETRIEVER_CLASS + ") needs an assertion: set "
                    + ASSERTION_SOURCES);
        }
        if (explicit == ClientAuthMethod.PRIVATE_KEY_JWT) {
            throw bothSet("JAAS option " + CLIENT_AUTH_METHOD + "=private_key_jwt",
                    "the grant " + JWT_BEARER_GRANT, "with that grant the assertion is the"
                            + " grant itself; authenticate the client with a secret or not at"
                            + " all");
        }
        if (clientSecret != null) {
            if (explicit == ClientAuthMethod.NONE) {
                throw bothSet("JAAS option " + CLIENT_AUTH_METHOD + "=none", SECRET_OPTION,
                        "a secret is sent only with client_secret_basic or client_secret_post");
            }
            return explicit == null ? ClientAuthMethod.CLIENT_SECRET_BASIC : explicit;
        }
        if (explicit == ClientAuthMethod.CLIENT_SECRET_BASIC
                || explicit == ClientAuthMethod.CLIENT_SECRET_POST) {
            throw new ConfigException("JAAS option " + CLIENT_AUTH_METHOD + " is "
                    + explicit.configName() + " but no client secret is set: set "
                    + SECRET_OPTION + ", or remove " + CLIENT_AUTH_METHOD);
        }
        return ClientAuthMethod.NONE;
    }

    private void checkClientId() {
        if (clientId == null && authMethod == ClientAuthMethod.TLS_CLIENT_AUTH) {
            // RFC 8705 section 2: the server finds the client's certificate by its client_id.
            throw new ConfigException("JAAS option " + CLIENT_AUTH_METHOD + " is tls_client_auth"
                    + " but no client id is set: set " + CLIENT_ID_PROPERTY + " or the JAAS"
                    + " option " + CLIENT_ID + " (mutual TLS sends it in every token request)");
        }
        if (clientId != null || isFileEndpoint() || jwtBearerGrant) {
            if (clientId == null && jwtBearerGrant && assertion.keyFile() != null
                    && (assertion.issuer() == null || assertion.subject() == null)) {
                throw new ConfigException("No client id is set and the assertions signed with "
                        + assertion.keyFile() + " need an issuer and a subject: set "
                        + CLIENT_ID_PROPERTY + " (or JAAS option " + CLIENT_ID + "), or "
                        + ASSERTION_CLAIM_ISS + " and " + ASSERTION_CLAIM_SUB);
            }
            return;
        }
        boolean ownClaims = assertion.assertionFile() != null
                || (assertion.issuer() != null && assertion.subject() != null);
        if (authMethod == ClientAuthMethod.PRIVATE_KEY_JWT && ownClaims) {
            return;
        }
        throw noClientId();
    }

    private static ConfigException noClientId() {
        return new ConfigException("No client id is set: set " + CLIENT_ID_PROPERTY
                + " or the JAAS option " + CLIENT_ID + " (with a client secret)");
    }

    private static ConfigException bothSet(String one, String other, String why) {
        return new ConfigException(one + " and " + other + " are both set, which contradict"
                + " each other (" + why + "): keep one");
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

    /**
     * Throws unless Kafka's URL allow-list, when set, lists the URL: for URLs learnt at run
     * time, such as a discovered token endpoint.
     */
    static void checkAllowedUrl(String what, String url) {
        Reader.checkAllowed(what, url);
    }

    private static boolean isFile(URI uri) {
        return uri != null && "file".equals(uri.getScheme());
    }

    /** The configured token endpoint, or null when it is discovered from {@link #issuer()}. */
    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    /** The OIDC issuer whose discovery document names the token endpoint, or null. */
    public URI issuer() {
        return issuer;
    }

    /** The URL of the issuer's discovery document, or null without an issuer. */
    public URI discoveryUrl() {
        return issuer == null ? null : URI.create(Reader.discoveryUrl(issuer));
    }

    /** Where tokens come from: the token endpoint, or the issuer with discovery. */
    public URI location() {
        return tokenEndpoint != null ? tokenEndpoint : issuer;
    }

    public boolean isFileEndpoint() {
        return isFile(tokenEndpoint);
    }

    /** Whether the grant is {@code urn:ietf:params:oauth:grant-type:jwt-bearer}. */
    public boolean jwtBearerGrant() {
        return jwtBearerGrant;
    }

    /** The grant type as sent in token requests. */
    public String grantType() {
        return jwtBearerGrant ? JWT_BEARER_GRANT : "client_credentials";
    }

    /** Where client assertions come from; {@link AssertionOptions#present()} is false without. */
    public AssertionOptions assertion() {
        return assertion;
    }

    /** Makes the client assertions of these options, or null when none are sent. */
    ClientAssertions clientAssertions() {
        return clientAssertions;
    }

    /** The endpoint's host (or file name) for messages: never a query string or user info. */
    public String endpointForDisplay() {
        if (isFileEndpoint()) {
            return tokenEndpoint.getPath();
        }
        URI u = location();
        int port = u.getPort();
        return u.getScheme() + "://" + u.getHost() + (port < 0 ? "" : ":" + port) + u.getPath()
                + (tokenEndpoint == null ? " (issuer)" : "");
    }

    public String endpointHost() {
        return isFileEndpoint() ? "file" : location().getHost();
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

    /** Whether {@code clientAuthMethod} was set rather than chosen. */
    public boolean authMethodExplicit() {
        return authMethodExplicit;
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
        String where = tokenEndpoint != null ? tokenEndpoint.toString() : "issuer " + issuer;
        return new CredentialKey(where, clientId, clientSecret, scope, authMethod,
                urlencodeBasicCredentials, requestParameters, connectTimeoutMs, readTimeoutMs,
                retryBackoffMs, retryBackoffMaxMs, maxTokenAge, refreshFraction, loginTimeoutMs,
                tls, proxy, jwtBearerGrant, assertion, issuer != null && !authMethodExplicit);
    }

    @Override
    public String toString() {
        return "LoginOptions{endpoint=" + endpointForDisplay() + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "none" : clientSecret)
                + ", scope=" + scope + ", grant=" + grantType()
                + ", authMethod=" + authMethod.configName() + ", assertion=" + assertion
                + ", extensions=" + extensions + ", parameters=" + requestParameters.keySet()
                + ", subClaim=" + subClaimName + ", scopeClaim=" + scopeClaimName
                + ", connectTimeoutMs=" + connectTimeoutMs + ", readTimeoutMs=" + readTimeoutMs
                + ", loginTimeoutMs=" + loginTimeoutMs + ", refreshFraction=" + refreshFraction
                + ", maxTokenAge=" + maxTokenAge + ", tokenCache="
                + (sharedCache ? "shared" : "private") + ", tls=" + tls + ", proxy=" + proxy
                + "}";
    }

    /** Reads raw values with Kafka's precedence: a client property beats the JAAS option. */
    static final class Reader {
        private final Map<String, ?> configs;
        private final Map<String, ?> jaas;

        Reader(Map<String, ?> configs, Map<String, ?> jaas) {
            this.configs = configs == null ? Map.of() : configs;
            this.jaas = jaas == null ? Map.of() : jaas;
        }

        /** A value as text: a {@link Password}'s value, or null for null or empty. */
        static String text(Object value) {
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

        URI issuer() {
            String value = text(jaas.get(ISSUER_URL));
            if (value == null) {
                return null;
            }
            String option = "JAAS option " + ISSUER_URL;
            String shown = withoutUserInfo(value.trim());
            URI uri;
            try {
                uri = new URI(value.trim());
            } catch (URISyntaxException e) {
                throw new ConfigException(option, shown, "expected an absolute https: or http:"
                        + " URL, such as https://idp.example.com/realms/kafka (" + e.getReason()
                        + ")");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                throw new ConfigException(option, shown, "expected an https: or http: URL with a"
                        + " host, such as https://idp.example.com/realms/kafka");
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new ConfigException(option + " may carry no user information, query or"
                        + " fragment (OpenID Connect Discovery section 3): expected a URL such"
                        + " as https://idp.example.com/realms/kafka");
            }
            checkAllowed(option + " (its discovery document)", discoveryUrl(uri));
            return uri;
        }

        static String discoveryUrl(URI issuer) {
            String s = issuer.toString();
            return (s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
                    + "/.well-known/openid-configuration";
        }

        boolean jwtBearerGrant() {
            String grant = text(jaas.get(GRANT_TYPE));
            Object retriever = configs.get(JWT_RETRIEVER_CLASS);
            String retrieverName = retriever instanceof Class ? ((Class<?>) retriever).getName()
                    : text(retriever);
            Boolean byRetriever = null;
            if (retrieverName != null) {
                String name = retrieverName.trim();
                switch (name.substring(name.lastIndexOf('.') + 1)) {
                    case "JwtBearerJwtRetriever":
                        byRetriever = true;
                        break;
                    case "ClientCredentialsJwtRetriever":
                        byRetriever = false;
                        break;
                    case "DefaultJwtRetriever":
                    case "FileJwtRetriever":
                        break;
                    default:
                        throw new ConfigException(JWT_RETRIEVER_CLASS, name, "this handler makes"
                                + " its own token requests and cannot run another retriever:"
                                + " expected Kafka's JwtBearerJwtRetriever,"
                                + " ClientCredentialsJwtRetriever or DefaultJwtRetriever, or the"
                                + " JAAS option " + GRANT_TYPE);
                }
            }
            Boolean byGrant = null;
            if (grant != null) {
                grant = grant.trim();
                if ("client_credentials".equals(grant)) {
                    byGrant = false;
                } else if (JWT_BEARER_GRANT.equals(grant)) {
                    byGrant = true;
                } else {
                    throw new ConfigException("JAAS option " + GRANT_TYPE, grant,
                            "expected client_credentials or " + JWT_BEARER_GRANT);
                }
            }
            if (byGrant != null && byRetriever != null && !byGrant.equals(byRetriever)) {
                throw bothSet("JAAS option " + GRANT_TYPE + "=" + grant, JWT_RETRIEVER_CLASS
                        + "=" + retrieverName, "they name two different grants");
            }
            return byGrant != null ? byGrant : Boolean.TRUE.equals(byRetriever);
        }

        URI endpoint(boolean discovered) {
            String value = text(configs.get(TOKEN_ENDPOINT_URL));
            if (discovered) {
                if (value != null) {
                    throw bothSet("JAAS option " + ISSUER_URL, TOKEN_ENDPOINT_URL, "the issuer's"
                            + " discovery document names the token endpoint");
                }
                return null;
            }
            if (value == null) {
                throw new ConfigException(TOKEN_ENDPOINT_URL + " is not set: expected the"
                        + " identity provider's token endpoint, such as"
                        + " https://idp.example.com/oauth2/token (or the JAAS option "
                        + ISSUER_URL + " for OpenID Connect discovery)");
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
            checkAllowed(TOKEN_ENDPOINT_URL, uri.toString());
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

        static void checkAllowed(String option, String url) {
            String allowed = System.getProperty(ALLOWED_URLS_SYSTEM_PROPERTY);
            if (allowed == null) {
                return;
            }
            boolean listed = Arrays.stream(allowed.split(","))
                    .map(String::trim)
                    .anyMatch(url::equals);
            if (!listed) {
                throw new ConfigException(option, url, "this URL is not in the"
                        + " JVM's allow-list, the system property " + ALLOWED_URLS_SYSTEM_PROPERTY
                        + ": add it there (exact string) or remove the property");
            }
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
                return null;
            }
            ClientAuthMethod method = ClientAuthMethod.fromConfig(value.trim());
            if (method == null) {
                throw new ConfigException(CLIENT_AUTH_METHOD, value, "expected"
                        + " client_secret_basic, client_secret_post, private_key_jwt,"
                        + " tls_client_auth or none");
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
            return checkedLong(property, configs.get(property), fallback, 0, max);
        }

        long jaasPositiveLong(String option, long fallback) {
            return checkedLong("JAAS option " + option, jaas.get(option), fallback, 0,
                    Long.MAX_VALUE);
        }

        /** A whole number from min to max, or the fallback when unset. */
        static long checkedLong(String name, Object raw, long fallback, long min, long max) {
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
            if (parsed < min || parsed > max) {
                throw new ConfigException(name, value, "expected a number from " + min + " to "
                        + max);
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
