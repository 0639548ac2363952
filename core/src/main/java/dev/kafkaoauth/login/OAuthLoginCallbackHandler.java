package dev.kafkaoauth.login;

import dev.kafkaoauth.login.internal.AccessToken;
import dev.kafkaoauth.login.internal.CredentialKey;
import dev.kafkaoauth.login.internal.LoginOptions;
import dev.kafkaoauth.login.internal.TokenCache;
import dev.kafkaoauth.login.internal.TokenEndpointClient;
import dev.kafkaoauth.login.internal.TokenSource;
import dev.kafkaoauth.login.internal.Version;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.auth.SaslExtensions;
import org.apache.kafka.common.security.auth.SaslExtensionsCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka login callback handler for SASL/OAUTHBEARER with OAuth 2.0 client credentials, a
 * drop-in replacement for Kafka's {@code OAuthBearerLoginCallbackHandler}:
 *
 * <pre>
 * sasl.login.callback.handler.class=dev.kafkaoauth.login.OAuthLoginCallbackHandler
 * </pre>
 *
 * <p>Handlers whose token requests would be identical share one token per class loader, which
 * is refreshed in the background ahead of expiry; {@link #handle} never waits on the network
 * while a valid token is cached. Options are listed in {@link OAuthLoginConfig}.
 */
public class OAuthLoginCallbackHandler implements AuthenticateCallbackHandler {

    private static final Logger log = LoggerFactory.getLogger(OAuthLoginCallbackHandler.class);
    /** Credential sets already warned about, so that each warning shows once per set. */
    private static final Set<CredentialKey> WARNED_PLAIN_HTTP = ConcurrentHashMap.newKeySet();
    private static final Set<CredentialKey> WARNED_NO_HOSTNAME_CHECK =
            ConcurrentHashMap.newKeySet();

    /** The cache every configure() uses; null to choose by the tokenCache option. */
    private final TokenCache injectedCache;
    private LoginOptions options;
    private Map<String, String> extensions;
    private TokenCache cache;
    private TokenSource source;
    /** The principal and scopes of the last token handed out, computed once per token. */
    private volatile Derived derived;

    private record Derived(AccessToken token, String principal, Set<String> scopes) {
    }

    public OAuthLoginCallbackHandler() {
        this(null);
    }

    /** Test seam: a handler that takes its token sources from the given cache. */
    OAuthLoginCallbackHandler(TokenCache cache) {
        this.injectedCache = cache;
    }

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism,
            List<AppConfigurationEntry> jaasConfigEntries) {
        Prepared p = prepare(configs, saslMechanism, jaasConfigEntries);
        LoginOptions parsed = p.options();
        warnAboutSuspiciousSettings(parsed);
        TokenCache c = injectedCache != null ? injectedCache
                : parsed.sharedCache() ? TokenCache.shared() : TokenCache.privateCache();
        this.options = parsed;
        this.extensions = p.extensions();
        this.cache = c;
        this.source = c.acquire(parsed, () -> new TokenEndpointClient(parsed));
        if (log.isDebugEnabled()) {
            log.debug("Configured {} {} (loaded by {}): {}", getClass().getName(),
                    Version.get(), getClass().getClassLoader(), parsed);
        }
    }

    /** What configure() reads: the validated options and the SASL extensions to send. */
    record Prepared(LoginOptions options, Map<String, String> extensions) {
    }

    /**
     * Reads and validates everything configure() does, without touching any cache or the
     * network: the connection test and the embedding API use it to check a configuration.
     */
    final Prepared prepare(Map<String, ?> configs, String saslMechanism,
            List<AppConfigurationEntry> jaasConfigEntries) {
        if (!OAuthBearerLoginModule.OAUTHBEARER_MECHANISM.equals(saslMechanism)) {
            throw new ConfigException("sasl.mechanism", saslMechanism,
                    getClass().getSimpleName() + " supports only OAUTHBEARER");
        }
        if (jaasConfigEntries == null || jaasConfigEntries.size() != 1) {
            throw new ConfigException("sasl.jaas.config must hold exactly one login module"
                    + " entry (OAuthBearerLoginModule), found "
                    + (jaasConfigEntries == null ? 0 : jaasConfigEntries.size()));
        }
        Map<String, ?> jaas = jaasConfigEntries.get(0).getOptions();
        LoginOptions parsed = LoginOptions.parse(configs, jaas, jaasOptionNames());
        return new Prepared(parsed, Map.copyOf(saslExtensions(parsed.extensions(), jaas)));
    }

    /**
     * JAAS option names that a subclass reads itself, so that they are not reported as
     * ignored.
     */
    protected Set<String> jaasOptionNames() {
        return Set.of();
    }

    /**
     * The SASL extensions to send. Subclasses add and validate their own.
     *
     * @param configured the validated {@code extension_<name>} options
     * @param jaasOptions every JAAS option
     * @return the extensions to send
     * @throws ConfigException when an option is invalid
     */
    protected Map<String, String> saslExtensions(Map<String, String> configured,
            Map<String, ?> jaasOptions) {
        return configured;
    }

    private void warnAboutSuspiciousSettings(LoginOptions o) {
        if (!o.ignoredJaasOptions().isEmpty()) {
            log.warn("JAAS options {} are not known to {} and are ignored",
                    o.ignoredJaasOptions(), getClass().getSimpleName());
        }
        if (o.clientSecret() != null && o.clientSecret().hasSurroundingWhitespace()) {
            log.warn("The client secret of client {} starts or ends with white space; it is sent"
                    + " as it is. Check for a copy-paste accident.", o.clientId());
        }
        if (!o.tls().verifyHostname() && WARNED_NO_HOSTNAME_CHECK.add(o.credentialKey())) {
            log.warn("Host name verification to the identity provider {} of client {} is off"
                    + " (ssl.endpoint.identification.algorithm is empty): any certificate of a"
                    + " trusted CA is accepted for it. Use this only for tests.",
                    o.endpointHost(), o.clientId());
        }
        if ("http".equalsIgnoreCase(o.location().getScheme())
                && !isLoopback(o.location().getHost())
                && WARNED_PLAIN_HTTP.add(o.credentialKey())) {
            log.warn("The token endpoint of client {} is plain http to {}: the client secret and"
                    + " tokens cross the network unencrypted. Use https.", o.clientId(),
                    o.endpointHost());
        }
    }

    private static boolean isLoopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        try {
            return host.matches("[0-9.:\\[\\]a-fA-F]+")
                    && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        TokenSource s = source;
        if (s == null) {
            throw new IllegalStateException(getClass().getSimpleName()
                    + " is not configured (or already closed)");
        }
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerTokenCallback) {
                handleToken((OAuthBearerTokenCallback) callback, s);
            } else if (callback instanceof SaslExtensionsCallback) {
                // A new object each time: Kafka's re-login removes credentials by identity.
                ((SaslExtensionsCallback) callback).extensions(new SaslExtensions(extensions));
            } else {
                throw new UnsupportedCallbackException(callback, unsupported(callback));
            }
        }
    }

    private String unsupported(Callback callback) {
        // Usually two copies of kafka-clients: a plugin's own and the worker's.
        String message = "Unsupported callback " + callback.getClass().getName() + " (loaded by "
                + describe(callback.getClass().getClassLoader()) + ") for "
                + getClass().getName() + " " + Version.get() + " (loaded by "
                + describe(getClass().getClassLoader()) + ")";
        ClassLoader kafka = OAuthBearerTokenCallback.class.getClassLoader();
        return message + "; this handler's kafka-clients is loaded by " + describe(kafka)
                + ": check that kafka-clients is on the class path only once, not also in the"
                + " plugin's own folder";
    }

    private static String describe(ClassLoader loader) {
        if (loader == null) {
            return "the bootstrap class loader";
        }
        String name = loader.getName();
        return name == null ? loader.toString() : "'" + name + "' " + loader;
    }

    private void handleToken(OAuthBearerTokenCallback callback, TokenSource s) {
        TokenSource.Entry entry;
        try {
            entry = s.get(options.loginTimeoutMs());
        } catch (TokenRequestException e) {
            // Kafka's login module shows this description to the user as the login failure.
            callback.error(e.oauthError() != null ? e.oauthError() : "token_request_failed",
                    e.getMessage(), null);
            return;
        }
        AccessToken token = entry.token();
        Derived d = derived;
        if (d == null || d.token != token) {
            d = new Derived(token, token.subject(options.subClaimName()),
                    token.scopes(options.scopeClaimName()));
            derived = d;
        }
        callback.token(new OAuthLoginToken(token.value(), d.scopes,
                entry.effectiveExpiry().toEpochMilli(), d.principal,
                token.issuedAt().toEpochMilli()));
    }

    /**
     * The shared token as {@link #handle} would hand it out, for the access-token supplier.
     *
     * @throws TokenRequestException when no valid token could be had within loginTimeoutMs
     */
    final AccessToken currentToken() {
        TokenSource s = source;
        if (s == null) {
            throw new IllegalStateException(getClass().getSimpleName()
                    + " is not configured (or already closed)");
        }
        return s.get(options.loginTimeoutMs()).token();
    }

    @Override
    public void close() {
        TokenSource s = source;
        source = null;
        if (s != null) {
            cache.release(s);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + options + "}";
    }
}
