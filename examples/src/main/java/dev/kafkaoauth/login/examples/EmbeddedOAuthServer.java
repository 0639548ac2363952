package dev.kafkaoauth.login.examples;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import kotlin.jvm.functions.Function1;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpServer;
import no.nav.security.mock.oauth2.http.Ssl;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.HttpUrl;

/**
 * A real OAuth 2 authorization server (no.nav mock-oauth2-server) on 127.0.0.1 and a random
 * port, for demos and tests. It accepts any client id and secret; {@code sub} is the client id.
 *
 * <p>Token lifetime, audience and extra claims can be changed while it runs; the change applies
 * to the next token it issues. It counts the HTTP requests that reach its token endpoint.
 */
public final class EmbeddedOAuthServer implements AutoCloseable {

    /** The issuer id used unless the caller names another: the first segment of every URL. */
    public static final String DEFAULT_ISSUER_ID = "demo";

    // MockWebServer logs each start and connection through java.util.logging at INFO. The
    // references are kept so that the level set here is not lost when a logger is collected.
    private static final List<Logger> QUIET_JUL_LOGGERS = List.of(
            Logger.getLogger("okhttp3.mockwebserver"),
            Logger.getLogger("mockwebserver3"),
            Logger.getLogger("okhttp3"));

    static {
        QUIET_JUL_LOGGERS.forEach(logger -> logger.setLevel(Level.WARNING));
    }

    private final String issuerId;
    private final TokenSettings settings;
    private final CountingHttpServer httpServer;
    private final MockOAuth2Server server;

    private EmbeddedOAuthServer(String issuerId) {
        this.issuerId = issuerId;
        this.settings = new TokenSettings(issuerId);
        this.httpServer = new CountingHttpServer(new MockWebServerWrapper(), tokenPath(issuerId));
        OAuth2Config config = new OAuth2Config(false, null, null, false,
                new OAuth2TokenProvider(), Set.of(settings), httpServer);
        this.server = new MockOAuth2Server(config);
    }

    /** Starts a server for issuer id {@value #DEFAULT_ISSUER_ID} on 127.0.0.1, port 0. */
    public static EmbeddedOAuthServer start() {
        return start(DEFAULT_ISSUER_ID);
    }

    /** Starts a server for the given issuer id on 127.0.0.1, port 0. */
    public static EmbeddedOAuthServer start(String issuerId) {
        Objects.requireNonNull(issuerId, "issuerId");
        EmbeddedOAuthServer result = new EmbeddedOAuthServer(issuerId);
        result.server.start(InetAddress.getLoopbackAddress(), 0);
        return result;
    }

    public String issuerId() {
        return issuerId;
    }

    /** The token endpoint, exactly as the server writes it: {@code http://localhost:PORT/...}. */
    public String tokenEndpointUrl() {
        return server.tokenEndpointUrl(issuerId).toString();
    }

    /** The JWKS endpoint, exactly as the server writes it. */
    public String jwksUrl() {
        return server.jwksUrl(issuerId).toString();
    }

    /** The issuer, exactly as it appears in the {@code iss} claim of the tokens issued. */
    public String issuerUrl() {
        return server.issuerUrl(issuerId).toString();
    }

    public int port() {
        return httpServer.port();
    }

    /** HTTP requests received by the token endpoint since start, whatever their outcome. */
    public long tokenRequestCount() {
        return httpServer.tokenRequests.get();
    }

    /** Lifetime of the tokens issued from now on ({@code exp} and {@code expires_in}). */
    public EmbeddedOAuthServer tokenLifetimeSeconds(long seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("token lifetime must be positive: " + seconds);
        }
        settings.lifetimeSeconds = seconds;
        return this;
    }

    /**
     * Audience ({@code aud}) of the tokens issued from now on. Without one, the audience is the
     * requested scope, as the mock server does by default.
     */
    public EmbeddedOAuthServer audience(String... audience) {
        settings.audience = List.of(audience);
        return this;
    }

    /** Claims added to the tokens issued from now on, such as {@code scope}; replaces earlier. */
    public EmbeddedOAuthServer claims(Map<String, ?> claims) {
        settings.claims = Map.copyOf(claims);
        return this;
    }

    @Override
    public void close() {
        server.shutdown();
    }

    private static String tokenPath(String issuerId) {
        return "/" + issuerId + "/token";
    }

    /** The server's answer for every token request of our issuer; read at each request. */
    private static final class TokenSettings implements OAuth2TokenCallback {
        private final String issuerId;
        private volatile long lifetimeSeconds = 3600;
        private volatile List<String> audience = List.of();
        private volatile Map<String, Object> claims = Map.of();

        TokenSettings(String issuerId) {
            this.issuerId = issuerId;
        }

        @Override
        public String issuerId() {
            return issuerId;
        }

        @Override
        public String subject(TokenRequest request) {
            ClientAuthentication auth = request.getClientAuthentication();
            ClientID clientId = auth != null ? auth.getClientID() : request.getClientID();
            return clientId != null ? clientId.getValue() : "anonymous";
        }

        @Override
        public String typeHeader(TokenRequest request) {
            return "JWT";
        }

        @Override
        public List<String> audience(TokenRequest request) {
            List<String> configured = audience;
            if (!configured.isEmpty()) {
                return configured;
            }
            Scope scope = request.getScope();
            return scope == null ? List.of("default") : scope.toStringList();
        }

        @Override
        public Map<String, Object> addClaims(TokenRequest request) {
            return claims;
        }

        @Override
        public long tokenExpiry() {
            return lifetimeSeconds;
        }
    }

    /** Delegates to the mock's HTTP server and counts the requests to the token endpoint. */
    private static final class CountingHttpServer implements OAuth2HttpServer {
        private final OAuth2HttpServer delegate;
        private final String tokenPath;
        final AtomicLong tokenRequests = new AtomicLong();

        CountingHttpServer(OAuth2HttpServer delegate, String tokenPath) {
            this.delegate = delegate;
            this.tokenPath = tokenPath;
        }

        private Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> counting(
                Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
            return request -> {
                if (tokenPath.equals(request.getUrl().encodedPath())) {
                    tokenRequests.incrementAndGet();
                }
                return handler.invoke(request);
            };
        }

        @Override
        public OAuth2HttpServer start(
                Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
            return start(InetAddress.getLoopbackAddress(), 0, handler);
        }

        @Override
        public OAuth2HttpServer start(
                int port, Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
            return start(InetAddress.getLoopbackAddress(), port, handler);
        }

        @Override
        public OAuth2HttpServer start(InetAddress address, int port,
                Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
            delegate.start(address, port, counting(handler));
            return this;
        }

        @Override
        public OAuth2HttpServer stop() {
            delegate.stop();
            return this;
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public int port() {
            return delegate.port();
        }

        @Override
        public HttpUrl url(String path) {
            return delegate.url(path);
        }

        @Override
        public Ssl sslConfig() {
            return delegate.sslConfig();
        }
    }
}
