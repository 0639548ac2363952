package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_AUTH_METHOD;
import static dev.kafkaoauth.login.OAuthLoginConfig.ISSUER_URL;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_TRUSTSTORE_CERTIFICATES;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_TRUSTSTORE_LOCATION;
import static dev.kafkaoauth.login.OAuthLoginConfig.TOKEN_ENDPOINT_URL;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.kafkaoauth.login.TokenRequestException;
import dev.kafkaoauth.login.internal.TokenParser.InvalidTokenException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one access token from the token endpoint: builds the request, sends it with the JDK's
 * {@link HttpURLConnection} (no thread of its own, timeouts per connection), retries what may
 * succeed on a second try within the login deadline, and turns every failure into a
 * {@link TokenRequestException} that names the host, the status and the OAuth error.
 */
public final class TokenEndpointClient implements TokenFetcher {

    private static final Logger log = LoggerFactory.getLogger(TokenEndpointClient.class);
    /** The most of a response body that is read. */
    static final int MAX_BODY_BYTES = 1 << 20;
    /** The longest Retry-After honoured. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final int MAX_DESCRIPTION_CHARS = 300;

    private final LoginOptions options;
    private final Clock clock;
    private final Sleeper sleeper;
    /** Built once per client (one per credential key), used by every HTTPS request. */
    private final SSLSocketFactory socketFactory;
    /** The proxy of plain http requests, or null for the JVM's proxy selector. */
    private final Proxy httpProxy;
    /** The token endpoint: configured, or learnt from the discovery document at first use. */
    private volatile URI endpoint;
    /** The client authentication in use; discovery may pick client_secret_post. */
    private volatile ClientAuthMethod authMethod;

    /** Waits between attempts; replaced in tests. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public TokenEndpointClient(LoginOptions options, Clock clock, Sleeper sleeper) {
        this.options = options;
        this.clock = clock;
        this.sleeper = sleeper;
        ProxyOptions proxy = options.proxy();
        boolean proxied = proxy != null && !options.isFileEndpoint()
                && !proxy.excludes(options.location().getHost());
        boolean https = "https".equalsIgnoreCase(options.location().getScheme());
        SSLSocketFactory tls = options.tls().socketFactory();
        if (https && proxied) {
            // Our own CONNECT tunnel: it can send Basic proxy credentials, the JDK's cannot.
            TlsSocketFactory base = tls instanceof TlsSocketFactory ? (TlsSocketFactory) tls
                    : new TlsSocketFactory(HttpsURLConnection.getDefaultSSLSocketFactory(),
                            options.tls().verifyHostname(), null);
            tls = base.through(new ProxyTunnel(proxy, options.readTimeoutMs()));
        }
        this.socketFactory = tls;
        this.httpProxy = proxied && !https ? new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(proxy.host(), proxy.port())) : null;
        this.endpoint = options.tokenEndpoint();
        this.authMethod = options.authMethod();
    }

    public TokenEndpointClient(LoginOptions options) {
        this(options, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    @Override
    public String describe() {
        return "client " + options.clientId() + " at " + options.endpointForDisplay();
    }

    @Override
    public AccessToken fetch() {
        Instant deadline = clock.instant().plusMillis(options.loginTimeoutMs());
        for (int attempt = 1; ; attempt++) {
            try {
                return options.isFileEndpoint() ? readFile() : requestOnce();
            } catch (TokenRequestException e) {
                Duration wait = e.isRetriable() ? backoff(attempt, e) : null;
                if (wait == null || clock.instant().plus(wait).isAfter(deadline)) {
                    throw e.isRetriable() ? giveUp(e, attempt) : e;
                }
                log.warn("Token request {} for {} failed: {} Retrying in {} ms.", attempt,
                        describe(), e.getMessage(), wait.toMillis());
                pause(wait, e);
            }
        }
    }

    private Duration backoff(int attempt, TokenRequestException e) {
        if (e instanceof RetryAfterException) {
            Duration asked = ((RetryAfterException) e).retryAfter;
            return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
        }
        long base = options.retryBackoffMs();
        long cap = options.retryBackoffMaxMs();
        long exp = attempt >= 30 ? cap : Math.min(cap, base << (attempt - 1));
        // Full jitter (no two clients of a fleet in step), but never less than the base.
        return Duration.ofMillis(Math.max(base, ThreadLocalRandom.current().nextLong(exp + 1)));
    }

    private TokenRequestException giveUp(TokenRequestException last, int attempts) {
        return new TokenRequestException(last.getMessage() + " Gave up after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + " within the login deadline of "
                + options.loginTimeoutMs() + " ms.", last.endpointHost(), last.httpStatus(),
                last.oauthError(), true, last);
    }

    private void pause(Duration wait, TokenRequestException after) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            TokenRequestException e = new TokenRequestException("Interrupted while waiting to"
                    + " retry the token request to " + options.endpointHost(),
                    options.endpointHost(), after.httpStatus(), after.oauthError(), true, ie);
            e.addSuppressed(after);
            throw e;
        }
    }

    private AccessToken readFile() {
        Path path = Paths.get(options.tokenEndpoint());
        String value;
        try (InputStream in = Files.newInputStream(path)) {
            value = new String(readBounded(in, "the token file " + path),
                    StandardCharsets.UTF_8).trim();
        } catch (TooLargeException e) {
            throw failure(e.getMessage(), -1, null, false, e);
        } catch (IOException e) {
            throw failure("cannot read the token file " + path + " (" + e.getClass()
                    .getSimpleName() + ")", -1, null, true, e);
        }
        if (value.isEmpty()) {
            throw failure("the token file " + path + " is empty", -1, null, true, null);
        }
        return parse(value, null);
    }

    private AccessToken requestOnce() {
        URI target = endpoint;
        if (target == null) {
            target = discover();
        }
        String body = requestBody(target);
        HttpURLConnection c;
        try {
            c = open(target.toURL());
        } catch (IOException e) {
            throw failure("cannot open a connection (" + e.getClass().getSimpleName() + ")", -1,
                    null, true, e);
        }
        try {
            prepare(c, "POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            if (authMethod == ClientAuthMethod.CLIENT_SECRET_BASIC) {
                c.setRequestProperty("Authorization", basicCredentials());
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            InputStream stream = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = readBody(stream);
            return handleResponse(c, status, text);
        } catch (SSLHandshakeException e) {
            throw tlsFailure(e);
        } catch (ProxyTunnel.TunnelRefusedException e) {
            throw failure(e.getMessage(), -1, null, e.status() != 407, e);
        } catch (SocketTimeoutException e) {
            throw failure("no answer within the timeout (connect "
                    + options.connectTimeoutMs() + " ms, read " + options.readTimeoutMs()
                    + " ms)", -1, null, true, e);
        } catch (IOException e) {
            throw failure("the request failed: " + e.getClass().getSimpleName()
                    + describeIo(e), -1, null, true, e);
        } finally {
            c.disconnect();
        }
    }

    private void prepare(HttpURLConnection c, String method) throws IOException {
        c.setRequestMethod(method);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(options.connectTimeoutMs());
        c.setReadTimeout(options.readTimeoutMs());
        c.setRequestProperty("Accept", "application/json");
        c.setRequestProperty("User-Agent", Version.userAgent());
    }

    private HttpURLConnection open(URL url) throws IOException {
        ProxyOptions proxy = options.proxy();
        // With proxyUrl: plain http through the proxy; https through our tunnel (socket
        // factory) on a direct connection; excluded hosts direct. Without: the JVM's selector.
        HttpURLConnection c = (HttpURLConnection) (proxy == null ? url.openConnection()
                : url.openConnection(httpProxy != null ? httpProxy : Proxy.NO_PROXY));
        if (httpProxy != null && proxy.hasCredentials()) {
            c.setRequestProperty("Proxy-Authorization", proxy.basicCredentials());
        }
        if (c instanceof HttpsURLConnection) {
            HttpsURLConnection https = (HttpsURLConnection) c;
            if (socketFactory != null) {
                https.setSSLSocketFactory(socketFactory);
            }
            if (!options.tls().verifyHostname()) {
                https.setHostnameVerifier((host, session) -> true);
            }
        }
        return c;
    }

    private TokenRequestException tlsFailure(SSLHandshakeException e) {
        String causes = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            causes += " " + t.getMessage();
        }
        String what;
        if (causes.contains("subject alternative") || causes.contains("No name matching")) {
            what = "the TLS certificate does not match host " + options.endpointHost()
                    + ": use the host name the certificate names in " + TOKEN_ENDPOINT_URL
                    + ", or (only for tests) set the JAAS option "
                    + SSL_ENDPOINT_IDENTIFICATION_ALGORITHM + "=\"\" to skip the check";
        } else if (causes.contains("PKIX") || causes.contains("unable to find valid")) {
            what = "the TLS certificate of " + options.endpointHost() + " is not trusted: set"
                    + " the JAAS option " + SSL_TRUSTSTORE_LOCATION + " (or "
                    + SSL_TRUSTSTORE_CERTIFICATES + ") to its CA";
        } else {
            // Other handshake failures (a server restarting, a protocol mismatch) may pass.
            return failure("the TLS handshake failed" + describeIo(e), -1, null, true, e);
        }
        return failure(what + ". Not retried", -1, null, false, e);
    }

    private static String describeIo(IOException e) {
        // Messages of connect and TLS errors name hosts and causes, never request content.
        return e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
    }

    String basicCredentials() {
        String id = options.clientId();
        String secret = options.clientSecret().reveal();
        if (options.urlencodeBasicCredentials()) {
            // RFC 6749 section 2.3.1: form-encode both before joining them with a colon.
            id = formEncode(id);
            secret = formEncode(secret);
        }
        byte[] raw = (id + ":" + secret).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(raw);
    }

    String requestBody(URI target) {
        StringJoiner form = new StringJoiner("&");
        form.add("grant_type=" + formEncode(options.grantType()));
        if (options.jwtBearerGrant()) {
            form.add("assertion=" + formEncode(assertion(target)));
        }
        if (options.scope() != null) {
            form.add("scope=" + formEncode(options.scope()));
        }
        switch (authMethod) {
            case CLIENT_SECRET_POST:
                form.add("client_id=" + formEncode(options.clientId()));
                form.add("client_secret=" + formEncode(options.clientSecret().reveal()));
                break;
            case PRIVATE_KEY_JWT:
                if (options.clientId() != null) {
                    form.add("client_id=" + formEncode(options.clientId()));
                }
                form.add("client_assertion_type="
                        + formEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
                form.add("client_assertion=" + formEncode(assertion(target)));
                break;
            case TLS_CLIENT_AUTH:
                form.add("client_id=" + formEncode(options.clientId()));
                break;
            default:
                // Basic credentials travel in the header; NONE sends nothing.
        }
        for (Map.Entry<String, String> p : options.requestParameters().entrySet()) {
            form.add(formEncode(p.getKey()) + "=" + formEncode(p.getValue()));
        }
        return form.toString();
    }

    private String assertion(URI target) {
        try {
            return options.clientAssertions().next(target.toString(), clock.instant());
        } catch (ClientAssertions.AssertionException e) {
            // A file being rotated or briefly missing may be fine on the next attempt.
            throw failure(e.getMessage(), -1, null, true, e);
        }
    }

    /**
     * Reads the issuer's discovery document (OpenID Connect Discovery 1.0 section 4) for the
     * token endpoint and the client authentication methods it supports, once per client.
     */
    private URI discover() {
        URI url = options.discoveryUrl();
        String body;
        int status;
        HttpURLConnection c;
        try {
            c = open(url.toURL());
        } catch (IOException e) {
            throw discoveryFailure("cannot open a connection (" + e.getClass().getSimpleName()
                    + ")", -1, true, e);
        }
        try {
            prepare(c, "GET");
            status = c.getResponseCode();
            body = readBody(status >= 400 ? c.getErrorStream() : c.getInputStream());
        } catch (SSLHandshakeException e) {
            throw tlsFailure(e);
        } catch (SocketTimeoutException e) {
            throw discoveryFailure("no answer within the timeout", -1, true, e);
        } catch (IOException e) {
            throw discoveryFailure("the request failed: " + e.getClass().getSimpleName()
                    + describeIo(e), -1, true, e);
        } finally {
            c.disconnect();
        }
        if (status != 200) {
            boolean retriable = status == 408 || status == 429 || status >= 500;
            throw discoveryFailure("HTTP " + status + (status == 404 ? ": there is no discovery"
                    + " document; check the JAAS option " + ISSUER_URL + " (for Keycloak"
                    + " https://HOST/realms/REALM)" : ""), status, retriable, null);
        }
        Map<String, Object> json = parseJson(body);
        if (json == null) {
            throw discoveryFailure("the answer is not a JSON object (" + describeBody(c, body)
                    + ")", status, false, null);
        }
        Object issuer = json.get("issuer");
        if (!options.issuer().toString().equals(issuer)) {
            throw discoveryFailure("the document names the issuer '" + clip(text(issuer))
                    + "', not the configured '" + options.issuer() + "' (they must be equal,"
                    + " OpenID Connect Discovery section 4.3): set " + ISSUER_URL + " to the"
                    + " issuer the identity provider names", status, false, null);
        }
        Object tokenEndpoint = json.get("token_endpoint");
        Object aliases = json.get("mtls_endpoint_aliases");
        if (authMethod == ClientAuthMethod.TLS_CLIENT_AUTH && aliases instanceof Map
                && ((Map<?, ?>) aliases).get("token_endpoint") != null) {
            // RFC 8705 section 5: a client that uses mutual TLS takes the alias, which may be
            // a host of its own that asks for the client certificate.
            tokenEndpoint = ((Map<?, ?>) aliases).get("token_endpoint");
        }
        URI discovered;
        try {
            discovered = tokenEndpoint instanceof String ? new URI((String) tokenEndpoint) : null;
        } catch (java.net.URISyntaxException e) {
            discovered = null;
        }
        if (discovered == null || discovered.getHost() == null
                || !("https".equals(discovered.getScheme())
                        || "http".equals(discovered.getScheme()))) {
            throw discoveryFailure("the document has no usable token_endpoint (expected an"
                    + " https: or http: URL)", status, false, null);
        }
        try {
            LoginOptions.checkAllowedUrl("the discovered token endpoint", discovered.toString());
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw discoveryFailure(e.getMessage(), status, false, e);
        }
        authMethod = supportedAuthMethod(json.get("token_endpoint_auth_methods_supported"),
                status);
        endpoint = discovered;
        log.info("Discovered the token endpoint {} of client {} from {}", discovered,
                options.clientId(), url);
        return discovered;
    }

    private ClientAuthMethod supportedAuthMethod(Object advertised, int status) {
        ClientAuthMethod wanted = options.authMethod();
        if (!(advertised instanceof java.util.List) || wanted == ClientAuthMethod.NONE) {
            return wanted;
        }
        java.util.List<?> supported = (java.util.List<?>) advertised;
        if (supported.contains(wanted.configName())) {
            return wanted;
        }
        // Basic is only our default: an IdP that takes only post gets post.
        if (wanted == ClientAuthMethod.CLIENT_SECRET_BASIC && !options.authMethodExplicit()
                && supported.contains("client_secret_post")) {
            return ClientAuthMethod.CLIENT_SECRET_POST;
        }
        throw discoveryFailure("the identity provider does not support " + wanted.configName()
                + " (token_endpoint_auth_methods_supported: " + clip(supported.toString())
                + "): set the JAAS option " + CLIENT_AUTH_METHOD + " to one it supports", status,
                false, null);
    }

    private TokenRequestException discoveryFailure(String what, int status, boolean retriable,
            Throwable cause) {
        return new DiscoveryException("OpenID Connect discovery at "
                + options.endpointHost() + " for client " + options.clientId() + " failed ("
                + options.discoveryUrl() + "): " + sentence(what), options.endpointHost(),
                status, retriable, cause);
    }

    /** The discovery document could not be read or used: the issuer setting is at fault. */
    public static final class DiscoveryException extends TokenRequestException {
        private static final long serialVersionUID = 1L;

        DiscoveryException(String message, String host, int status, boolean retriable,
                Throwable cause) {
            super(message, host, status, null, retriable, cause);
        }

        /** Whether this failure, or one it wraps (a retry that gave up), is discovery's. */
        public static boolean isIn(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof DiscoveryException) {
                    return true;
                }
            }
            return false;
        }
    }

    private static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String readBody(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (InputStream stream = in) {
            return new String(readBounded(stream, "the response body"), StandardCharsets.UTF_8);
        }
    }

    /** More than {@link #MAX_BODY_BYTES} would have been read. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String what) {
            super(what + " is larger than 1 MiB");
        }
    }

    /**
     * Reads a whole stream of at most {@link #MAX_BODY_BYTES}, bounded by what is read rather
     * than by a size looked up first: a file replaced in between, or a pipe, has no such size.
     *
     * @param what the stream, for the message of the {@link TooLargeException}
     */
    static byte[] readBounded(InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new TooLargeException(what);
        }
        return bytes;
    }

    private AccessToken handleResponse(HttpURLConnection c, int status, String body) {
        Map<String, Object> json = parseJson(body);
        if (status == 200) {
            if (json == null) {
                throw failure("HTTP 200 but the body is not a JSON object ("
                        + describeBody(c, body) + ")", status, null, true, null);
            }
            if (json.get("error") != null) {
                throw failure(oauthError(json) + " (in an HTTP 200 response)", status,
                        text(json.get("error")), false, null);
            }
            return tokenFrom(json, status);
        }
        String error = json == null ? null : text(json.get("error"));
        boolean retriable = status == 408 || status == 429 || status >= 500;
        StringBuilder m = new StringBuilder("HTTP ").append(status);
        if (error != null) {
            m.append(", ").append(oauthError(json));
        } else {
            m.append(" (").append(describeBody(c, body)).append(')');
        }
        String challenge = status == 401 ? c.getHeaderField("WWW-Authenticate") : null;
        if (challenge != null) {
            m.append("; WWW-Authenticate: ").append(clip(challenge));
        }
        if (status >= 300 && status < 400) {
            String location = c.getHeaderField("Location");
            m.append("; redirects are not followed: set ").append(TOKEN_ENDPOINT_URL)
                    .append(" to the final URL").append(location == null ? ""
                            : " (the server points to host " + hostOf(location) + ")");
        }
        if (!retriable) {
            m.append(". Not retried: this needs a change of configuration or of the client's"
                    + " registration.");
        }
        Duration retryAfter = retriable
                ? retryAfter(c.getHeaderField("Retry-After"), clock.instant()) : null;
        if (retryAfter != null) {
            return throwRetryAfter(m.toString(), status, error, retryAfter);
        }
        throw failure(m.toString(), status, error, retriable, null);
    }

    private AccessToken throwRetryAfter(String message, int status, String error,
            Duration retryAfter) {
        throw new RetryAfterException(message(message + " (Retry-After "
                + retryAfter.toSeconds() + " s)"), options.endpointHost(), status, error,
                retryAfter);
    }

    private AccessToken tokenFrom(Map<String, Object> json, int status) {
        Object token = json.get("access_token");
        if (!(token instanceof String) || ((String) token).isBlank()) {
            throw failure("HTTP 200 but the response has no access_token string (fields: "
                    + json.keySet() + ")", status, null, true, null);
        }
        Object type = json.get("token_type");
        if (type != null && !"bearer".equalsIgnoreCase(type.toString().trim())) {
            throw failure("token_type is '" + clip(type.toString()) + "': expected Bearer",
                    status, null, false, null);
        }
        Long expiresIn;
        try {
            expiresIn = expiresIn(json.get("expires_in"));
        } catch (NumberFormatException e) {
            throw failure("expires_in is not a number of seconds", status, null, true, null);
        }
        return parse(((String) token).trim(), expiresIn);
    }

    private AccessToken parse(String value, Long expiresIn) {
        try {
            return TokenParser.parse(value, expiresIn, clock.instant(), options.clientId());
        } catch (InvalidTokenException e) {
            throw failure("unusable token: " + e.getMessage(), options.isFileEndpoint() ? -1
                    : 200, null, e.isRetriable(), null);
        }
    }

    private static Long expiresIn(Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Number) {
            return ((Number) raw).longValue();
        }
        String s = raw.toString().trim();
        return s.isEmpty() ? null : (long) Double.parseDouble(s);
    }

    private static Map<String, Object> parseJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            return null;
        }
    }

    private static String oauthError(Map<String, Object> json) {
        String description = text(json.get("error_description"));
        return "error=" + clip(text(json.get("error")))
                + (description == null ? "" : ", error_description=" + clip(description));
    }

    private static String describeBody(HttpURLConnection c, String body) {
        if (body.isBlank()) {
            return "empty body";
        }
        String type = c.getContentType();
        String trimmed = body.trim();
        String shape = trimmed.startsWith("[") ? "a JSON array"
                : trimmed.startsWith("<") ? "HTML or XML" : "not JSON";
        return shape + ", " + body.length() + " characters"
                + (type == null ? "" : ", Content-Type " + clip(type));
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return "(unreadable)";
        }
    }

    private static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim();
        try {
            long seconds = Long.parseLong(h);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(now, at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    /** Keeps server-provided text short and on one line. */
    private static String clip(String s) {
        if (s == null) {
            return null;
        }
        String oneLine = s.replaceAll("[\\p{Cntrl}]", " ");
        return oneLine.length() <= MAX_DESCRIPTION_CHARS ? oneLine
                : oneLine.substring(0, MAX_DESCRIPTION_CHARS) + "...";
    }

    private String message(String what) {
        return "Token request to " + options.endpointHost() + " for client "
                + options.clientId() + " failed: " + sentence(what);
    }

    /** Ends a message with one period, whether or not its last part brought one. */
    private static String sentence(String what) {
        return what.endsWith(".") ? what : what + ".";
    }

    private TokenRequestException failure(String what, int status, String error,
            boolean retriable, Throwable cause) {
        return new TokenRequestException(message(what), options.endpointHost(), status, error,
                retriable, cause);
    }

    /** A retriable failure whose server asked for a particular wait. */
    static final class RetryAfterException extends TokenRequestException {
        private static final long serialVersionUID = 1L;
        private final transient Duration retryAfter;

        RetryAfterException(String message, String host, int status, String error,
                Duration retryAfter) {
            super(message, host, status, error, true, null);
            this.retryAfter = retryAfter;
        }
    }
}
