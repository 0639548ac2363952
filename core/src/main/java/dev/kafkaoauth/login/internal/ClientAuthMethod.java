package dev.kafkaoauth.login.internal;

import java.util.Locale;

/** How the client proves its identity to the token endpoint (RFC 6749 section 2.3). */
public enum ClientAuthMethod {
    /** HTTP Basic with the form-encoded client id and secret. */
    CLIENT_SECRET_BASIC,
    /** {@code client_id} and {@code client_secret} in the request body. */
    CLIENT_SECRET_POST,
    /** A signed or ready-made client assertion (RFC 7523 section 2.2). */
    PRIVATE_KEY_JWT,
    /** Mutual TLS with the client's certificate (RFC 8705 section 2.1); no secret is sent. */
    TLS_CLIENT_AUTH,
    /** No client authentication: the jwt-bearer grant's assertion alone identifies the client. */
    NONE;

    /** The name used in configuration, such as {@code client_secret_basic}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ClientAuthMethod fromConfig(String value) {
        for (ClientAuthMethod m : values()) {
            if (m.configName().equals(value)) {
                return m;
            }
        }
        return null;
    }
}
