package dev.kafkaoauth.login;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The access token the Kafka clients of the same configuration share, for HTTP calls such as
 * Schema Registry or a REST proxy: {@code "Bearer " + supplier.get()}.
 *
 * <p>It reads the client properties exactly as a Kafka client does and uses the handler they
 * name, so it shares the clients' token (one cache entry, no second request) and that token
 * is refreshed ahead of expiry as theirs is, while the supplier is open. With
 * {@code tokenCache=private} it has a token of its own. Close it when done; the token stays
 * cached for the clients.
 */
public final class AccessTokenSupplier implements Supplier<String>, AutoCloseable {

    private final OAuthLoginCallbackHandler handler;
    private volatile boolean closed;

    private AccessTokenSupplier(OAuthLoginCallbackHandler handler) {
        this.handler = handler;
    }

    /**
     * A supplier for the token that clients with these properties use.
     *
     * @param clientProperties Kafka client properties naming one of this library's handlers
     * @throws org.apache.kafka.common.config.ConfigException when they are invalid
     */
    public static AccessTokenSupplier fromProperties(Map<String, ?> clientProperties) {
        Map<String, Object> passed = ClientConfigs.asClientPasses(clientProperties);
        OAuthLoginCallbackHandler handler = ClientConfigs.newHandler(
                passed.get(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS));
        handler.configure(passed, String.valueOf(passed.get(SaslConfigs.SASL_MECHANISM)),
                ClientConfigs.jaasEntries(passed));
        return new AccessTokenSupplier(handler);
    }

    /**
     * The current token's value: at once while a valid token is cached, else after waiting
     * at most {@code loginTimeoutMs} for the one request in flight.
     *
     * @throws TokenRequestException when no valid token could be had
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public String get() {
        if (closed) {
            throw new IllegalStateException("AccessTokenSupplier is closed");
        }
        return handler.currentToken().value();
    }

    /** Stops this supplier's interest in the token; the clients keep theirs. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            handler.close();
        }
    }

    @Override
    public String toString() {
        return "AccessTokenSupplier{" + handler + (closed ? ", closed" : "") + "}";
    }
}
