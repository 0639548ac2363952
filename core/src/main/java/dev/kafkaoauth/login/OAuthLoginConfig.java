package dev.kafkaoauth.login;

/**
 * Names of every setting the handlers read, with their defaults.
 *
 * <p>Kafka's own client property names are used wherever Kafka has one; the rest are options of
 * the {@code OAuthBearerLoginModule} line in {@code sasl.jaas.config}. A client property wins
 * over the JAAS option of the same meaning, as in Kafka 4.1 and later.
 */
public final class OAuthLoginConfig {

    /** Client property: the token endpoint ({@code https:}, {@code http:} or {@code file:}). */
    public static final String TOKEN_ENDPOINT_URL = "sasl.oauthbearer.token.endpoint.url";
    /** Client property: the OAuth client id; overrides the JAAS option {@link #CLIENT_ID}. */
    public static final String CLIENT_ID_PROPERTY = "sasl.oauthbearer.client.credentials.client.id";
    /** Client property: the OAuth client secret; overrides {@link #CLIENT_SECRET}. */
    public static final String CLIENT_SECRET_PROPERTY =
            "sasl.oauthbearer.client.credentials.client.secret";
    /** Client property: the requested scope; overrides the JAAS option {@link #SCOPE}. */
    public static final String SCOPE_PROPERTY = "sasl.oauthbearer.scope";
    /** Client property: the claim that names the principal (default {@code sub}). */
    public static final String SUB_CLAIM_NAME = "sasl.oauthbearer.sub.claim.name";
    /** Client property: the claim that holds the scopes (default {@code scope}). */
    public static final String SCOPE_CLAIM_NAME = "sasl.oauthbearer.scope.claim.name";
    /** Client property: TCP connect timeout to the identity provider (default 10000 here). */
    public static final String CONNECT_TIMEOUT_MS = "sasl.login.connect.timeout.ms";
    /** Client property: read timeout for the identity provider's answer (default 10000 here). */
    public static final String READ_TIMEOUT_MS = "sasl.login.read.timeout.ms";
    /** Client property: first retry backoff (default 100). */
    public static final String RETRY_BACKOFF_MS = "sasl.login.retry.backoff.ms";
    /** Client property: longest retry backoff (default 10000). */
    public static final String RETRY_BACKOFF_MAX_MS = "sasl.login.retry.backoff.max.ms";
    /** Client property: whether Basic credentials are form-encoded (RFC 6749 section 2.3.1). */
    public static final String HEADER_URLENCODE = "sasl.oauthbearer.header.urlencode";

    /** JAAS option: the OAuth client id. */
    public static final String CLIENT_ID = "clientId";
    /** JAAS option: the OAuth client secret. */
    public static final String CLIENT_SECRET = "clientSecret";
    /** JAAS option: the requested scope (space separated). */
    public static final String SCOPE = "scope";
    /** JAAS option prefix: {@code extension_<name>="value"} sends a SASL extension. */
    public static final String EXTENSION_PREFIX = "extension_";
    /** JAAS option prefix: {@code param_<name>="value"} adds a token request parameter. */
    public static final String PARAM_PREFIX = "param_";
    /**
     * JAAS option: {@code client_secret_basic} (default with a secret), {@code client_secret_post},
     * {@code private_key_jwt} (default with a key or assertion file) or {@code tls_client_auth}.
     */
    public static final String CLIENT_AUTH_METHOD = "clientAuthMethod";
    /** JAAS option: {@code client_credentials} (default) or {@link #JWT_BEARER_GRANT}. */
    public static final String GRANT_TYPE = "grantType";
    /** JAAS option: a ready-made assertion (JWT) read from this file at each token request. */
    public static final String CLIENT_ASSERTION_FILE = "clientAssertionFile";
    /** JAAS option: OIDC issuer; the token endpoint is read from its discovery document. */
    public static final String ISSUER_URL = "issuerUrl";
    /**
     * JAAS option: RS256, PS256 or ES256; wins over {@link #ASSERTION_ALGORITHM}, which Kafka
     * 4.x clients limit to RS256 and ES256 and always pass (as RS256 when unset).
     */
    public static final String ASSERTION_ALGORITHM_OPTION = "assertionAlgorithm";
    /** JAAS option: the {@code kid} header of the assertions this library signs. */
    public static final String ASSERTION_KEY_ID = "assertionKeyId";
    /** JAAS option: PEM certificate of the signing key; sent as the {@code x5t#S256} header. */
    public static final String ASSERTION_CERTIFICATE_FILE = "assertionCertificateFile";

    /** Client property (Kafka 4.1+): PKCS#8 PEM private key that signs assertions. */
    public static final String ASSERTION_PRIVATE_KEY_FILE =
            "sasl.oauthbearer.assertion.private.key.file";
    /** Client property (Kafka 4.1+): passphrase of an encrypted PKCS#8 key. */
    public static final String ASSERTION_PRIVATE_KEY_PASSPHRASE =
            "sasl.oauthbearer.assertion.private.key.passphrase";
    /** Client property (Kafka 4.1+): RS256, PS256 or ES256 (default: from the key's type). */
    public static final String ASSERTION_ALGORITHM = "sasl.oauthbearer.assertion.algorithm";
    /** Client property (Kafka 4.1+): {@code iss} of signed assertions (default: client id). */
    public static final String ASSERTION_CLAIM_ISS = "sasl.oauthbearer.assertion.claim.iss";
    /** Client property (Kafka 4.1+): {@code sub} of signed assertions (default: client id). */
    public static final String ASSERTION_CLAIM_SUB = "sasl.oauthbearer.assertion.claim.sub";
    /** Client property (Kafka 4.1+): {@code aud} of signed assertions (default: endpoint). */
    public static final String ASSERTION_CLAIM_AUD = "sasl.oauthbearer.assertion.claim.aud";
    /** Client property (Kafka 4.1+): lifetime of signed assertions in seconds (default 300). */
    public static final String ASSERTION_CLAIM_EXP_SECONDS =
            "sasl.oauthbearer.assertion.claim.exp.seconds";
    /** Client property (Kafka 4.1+): {@code nbf} this many seconds back (default 60). */
    public static final String ASSERTION_CLAIM_NBF_SECONDS =
            "sasl.oauthbearer.assertion.claim.nbf.seconds";
    /** Client property (Kafka 4.1+): read but moot here: a unique {@code jti} is always sent. */
    public static final String ASSERTION_CLAIM_JTI_INCLUDE =
            "sasl.oauthbearer.assertion.claim.jti.include";
    /** Client property (Kafka 4.1+): JSON {@code {"header":{..},"payload":{..}}} merged in. */
    public static final String ASSERTION_TEMPLATE_FILE = "sasl.oauthbearer.assertion.template.file";
    /** Client property (Kafka 4.1+): same as the JAAS option {@link #CLIENT_ASSERTION_FILE}. */
    public static final String ASSERTION_FILE = "sasl.oauthbearer.assertion.file";
    /** Client property (Kafka 4.1+): Kafka's retriever; its jwt-bearer one selects that grant. */
    public static final String JWT_RETRIEVER_CLASS = "sasl.oauthbearer.jwt.retriever.class";
    /** The RFC 7523 section 2.1 grant, {@code urn:ietf:params:oauth:grant-type:jwt-bearer}. */
    public static final String JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** JAAS option: overall deadline of one login, retries included, in ms (default 10000). */
    public static final String LOGIN_TIMEOUT_MS = "loginTimeoutMs";
    /** JAAS option: the point of a token's lifetime where a refresh starts (default 0.6). */
    public static final String REFRESH_FRACTION = "refreshFraction";
    /** JAAS option: longest time a token is used, whatever its expiry, in seconds. */
    public static final String MAX_TOKEN_AGE_SECONDS = "maxTokenAgeSeconds";
    /** JAAS option: {@code shared} (default, one token per credential set) or {@code private}. */
    public static final String TOKEN_CACHE = "tokenCache";

    /** JAAS option: HTTP proxy to the identity provider, {@code http://[user:pw@]host:port}. */
    public static final String PROXY_URL = "proxyUrl";
    /** JAAS option: comma-separated hosts ({@code idp.example}, {@code *.example}) not proxied. */
    public static final String PROXY_EXCLUSIONS = "proxyExclusions";

    /** JAAS option (Kafka's name): trust store file of the identity provider's CA. */
    public static final String SSL_TRUSTSTORE_LOCATION = "ssl.truststore.location";
    /** JAAS option (Kafka's name): password of the trust store. */
    public static final String SSL_TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    /** JAAS option (Kafka's name): {@code JKS} (default), {@code PKCS12} or {@code PEM}. */
    public static final String SSL_TRUSTSTORE_TYPE = "ssl.truststore.type";
    /** JAAS option (Kafka's name): trusted certificates as inline PEM. */
    public static final String SSL_TRUSTSTORE_CERTIFICATES = "ssl.truststore.certificates";
    /** JAAS option (Kafka's name): key store file for mutual TLS. */
    public static final String SSL_KEYSTORE_LOCATION = "ssl.keystore.location";
    /** JAAS option (Kafka's name): password of the key store. */
    public static final String SSL_KEYSTORE_PASSWORD = "ssl.keystore.password";
    /** JAAS option (Kafka's name): {@code JKS} (default), {@code PKCS12} or {@code PEM}. */
    public static final String SSL_KEYSTORE_TYPE = "ssl.keystore.type";
    /** JAAS option (Kafka's name): password of the private key (default: the store's). */
    public static final String SSL_KEY_PASSWORD = "ssl.key.password";
    /** JAAS option (Kafka's name): client certificate chain as inline PEM. */
    public static final String SSL_KEYSTORE_CERTIFICATE_CHAIN = "ssl.keystore.certificate.chain";
    /** JAAS option (Kafka's name): client private key as inline PKCS#8 PEM. */
    public static final String SSL_KEYSTORE_KEY = "ssl.keystore.key";
    /** JAAS option (Kafka's name): {@code https} (default) or empty to skip host name checks. */
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM =
            "ssl.endpoint.identification.algorithm";
    /** JAAS option (Kafka's name): the TLS protocol, such as {@code TLSv1.3}. */
    public static final String SSL_PROTOCOL = "ssl.protocol";

    /** Kafka's JVM-wide allow-list of URLs its OAuth code may contact; honoured when set. */
    public static final String ALLOWED_URLS_SYSTEM_PROPERTY =
            "org.apache.kafka.sasl.oauthbearer.allowed.urls";
    /** Kafka's JVM-wide allow-list of files its OAuth code may read; honoured when set. */
    public static final String ALLOWED_FILES_SYSTEM_PROPERTY =
            "org.apache.kafka.sasl.oauthbearer.allowed.files";

    /** Default for {@link #LOGIN_TIMEOUT_MS}. */
    public static final long DEFAULT_LOGIN_TIMEOUT_MS = 10_000;
    /** Default for {@link #CONNECT_TIMEOUT_MS} and {@link #READ_TIMEOUT_MS}. */
    public static final int DEFAULT_HTTP_TIMEOUT_MS = 10_000;
    /** Default for {@link #REFRESH_FRACTION}. */
    public static final double DEFAULT_REFRESH_FRACTION = 0.6;

    private OAuthLoginConfig() {
    }
}
