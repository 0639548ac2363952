package dev.kafkaoauth.login;

/**
 * Management view of one cached token: one MBean per credential set (endpoint, client id,
 * secret digest, scope and the other request inputs) in each class loader that loads the
 * library. Registered in the platform MBean server as
 * {@code dev.kafkaoauth.login:type=TokenCache,loader=<id>,cache=<id>,clientId="<id>",key=<n>},
 * and unregistered when the entry leaves the cache or the last handler of its class loader
 * closes. No attribute shows a token or a secret.
 */
public interface TokenCacheEntryMXBean {

    /** The OAuth client id of the credential set, or {@code null} when none is configured. */
    String getClientId();

    /** Host of the token endpoint (or {@code file} for a token file). */
    String getEndpointHost();

    /** Token requests started since the entry was created, successful or not. */
    long getTokenRequests();

    /** Token requests that failed since the entry was created. */
    long getFailures();

    /** Message of the last failed request (it never holds a secret), or {@code null}. */
    String getLastFailureReason();

    /** Seconds until the cached token expires; {@code -1} when no token is cached. */
    long getSecondsToExpiry();

    /** Expiry of the cached token as an ISO-8601 instant, or {@code null}. */
    String getExpiresAt();

    /** Time of the next scheduled background refresh (ISO-8601 instant), or {@code null}. */
    String getNextRefresh();

    /** FRESH, STALE, EXPIRED or NONE: the freshness of the cached token now. */
    String getState();

    /** The principal of the cached token, or {@code null} when no token is cached. */
    String getSubject();

    /** Handlers currently using this entry. */
    int getHandlers();

    /** Drops the cached token: the next login fetches a new one. */
    void invalidate();
}
