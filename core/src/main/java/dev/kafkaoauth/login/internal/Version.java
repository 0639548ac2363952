package dev.kafkaoauth.login.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version, from a resource the build writes. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    /** The version, or {@code unknown} when run from classes that the build did not filter. */
    public static String get() {
        return VERSION;
    }

    /** The User-Agent of token requests. */
    public static String userAgent() {
        return "kafka-oauth-login/" + VERSION + " (Java " + Runtime.version().feature() + ")";
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream(
                "/dev/kafkaoauth/login/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
