package dev.kafkaoauth.login.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A secret value (client secret, passphrase) that never shows itself: {@link #toString()} is
 * constant and equality is by SHA-256 digest, so a secret can be part of a cache key without
 * being kept in it.
 */
public final class Secret {

    private static final String HIDDEN = "[hidden]";

    private final String value;
    private final byte[] digest;

    private Secret(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /** Wraps a value; returns null for null. */
    public static Secret of(String value) {
        return value == null ? null : new Secret(value);
    }

    /** The secret itself: only for the request that sends it. */
    public String reveal() {
        return value;
    }

    /** Whether the secret starts or ends with white space, a common copy-paste accident. */
    public boolean hasSurroundingWhitespace() {
        return !value.isEmpty() && (Character.isWhitespace(value.charAt(0))
                || Character.isWhitespace(value.charAt(value.length() - 1)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret && MessageDigest.isEqual(digest, ((Secret) o).digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return HIDDEN;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
