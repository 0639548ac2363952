package dev.kafkaoauth.login.internal;

/** Gets a new access token; the seam between the cache and the token endpoint. */
public interface TokenFetcher {

    /**
     * Fetches a new token, retrying within the login deadline what may succeed on a retry.
     *
     * @throws dev.kafkaoauth.login.TokenRequestException when no token could be had
     */
    AccessToken fetch();

    /** The client id and endpoint, for log lines. */
    String describe();
}
