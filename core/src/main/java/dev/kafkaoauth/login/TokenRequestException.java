package dev.kafkaoauth.login;

import org.apache.kafka.common.KafkaException;

/**
 * A token could not be obtained. The message names the endpoint host, the HTTP status and the
 * OAuth {@code error} and {@code error_description} where there are any, and never contains a
 * secret, an assertion or a token.
 */
public class TokenRequestException extends KafkaException {

    private static final long serialVersionUID = 1L;

    private final String endpointHost;
    private final int httpStatus;
    private final String oauthError;
    private final boolean retriable;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where known, what to do; no secret
     * @param endpointHost the identity provider's host, or {@code file} for a token file
     * @param httpStatus the HTTP status, or -1 when no response was received
     * @param oauthError the OAuth {@code error} code, or null
     * @param retriable whether trying again may succeed without a change of configuration
     * @param cause the underlying failure, or null
     */
    public TokenRequestException(String message, String endpointHost, int httpStatus,
            String oauthError, boolean retriable, Throwable cause) {
        super(message, cause);
        this.endpointHost = endpointHost;
        this.httpStatus = httpStatus;
        this.oauthError = oauthError;
        this.retriable = retriable;
    }

    /** The identity provider's host, or {@code file}. */
    public String endpointHost() {
        return endpointHost;
    }

    /** The HTTP status, or -1 when no response was received. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The OAuth {@code error} code of the response, or null. */
    public String oauthError() {
        return oauthError;
    }

    /** Whether trying again may succeed without a change of configuration. */
    public boolean isRetriable() {
        return retriable;
    }
}
