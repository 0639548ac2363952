package dev.kafkaoauth.login.internal;

import java.util.Locale;

/** How the client proves its identity to the token endpoint (RFC 6749 section 2.3). */
public enum ClientAuthMethod {
    /** HTTP Basic with the form-encoded client id and secret. */
    CLIENT_SECRET_BASIC,
    /** {@code client_id} and {@code client_secret} in the request body. */
    CLIENT_SECRET_POST;

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
