package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.PROXY_EXCLUSIONS;
import static dev.kafkaoauth.login.OAuthLoginConfig.PROXY_URL;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The handler's own HTTP proxy ({@code proxyUrl}, {@code proxyExclusions}). Its user
 * information is a secret: it is never shown and takes part in equality by digest.
 */
public final class ProxyOptions {

    static final Set<String> NAMES = Set.of(PROXY_URL, PROXY_EXCLUSIONS);

    private final String host;
    private final int port;
    private final Secret userInfo;
    private final List<String> exclusions;

    private ProxyOptions(String host, int port, Secret userInfo, List<String> exclusions) {
        this.host = host;
        this.port = port;
        this.userInfo = userInfo;
        this.exclusions = exclusions;
    }

    /** The proxy, or null when {@code proxyUrl} is not set (the JVM's proxy settings apply). */
    static ProxyOptions parse(Map<String, ?> jaas) {
        String url = text(jaas.get(PROXY_URL));
        String excl = text(jaas.get(PROXY_EXCLUSIONS));
        if (url == null) {
            if (excl != null) {
                throw new ConfigException("JAAS option " + PROXY_EXCLUSIONS + " is set but "
                        + PROXY_URL + " is not: set the proxy or remove the exclusions (the"
                        + " JVM's proxy settings have their own, http.nonProxyHosts)");
            }
            return null;
        }
        String shown = hideUserInfo(url);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("JAAS option " + PROXY_URL, shown,
                    "expected http://[user:password@]host:port");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException("JAAS option " + PROXY_URL, shown,
                    "expected http://[user:password@]host:port (an HTTP proxy; it tunnels"
                            + " https with CONNECT)");
        }
        String raw = uri.getRawUserInfo();
        Secret user = null;
        if (raw != null) {
            if (raw.indexOf(':') < 0) {
                throw new ConfigException("JAAS option " + PROXY_URL, shown,
                        "the user information has no password: expected user:password@");
            }
            user = Secret.of(raw);
        }
        List<String> hosts = new ArrayList<>();
        if (excl != null) {
            for (String h : excl.split(",")) {
                String e = h.trim().toLowerCase(Locale.ROOT);
                if (e.isEmpty() || e.indexOf('*', 1) >= 0 || (e.startsWith("*") && !e
                        .startsWith("*."))) {
                    throw new ConfigException("JAAS option " + PROXY_EXCLUSIONS, excl,
                            "expected comma-separated host names, each exact or *.suffix");
                }
                hosts.add(e);
            }
        }
        return new ProxyOptions(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), user,
                List.copyOf(hosts));
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        String s = (v instanceof Password ? ((Password) v).value() : v.toString()).trim();
        return s.isEmpty() ? null : s;
    }

    private static String hideUserInfo(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        return scheme < 0 || at < scheme ? url
                : url.substring(0, scheme + 3) + "[hidden]" + url.substring(at);
    }

    /** Whether the host goes direct, by {@code proxyExclusions}. */
    boolean excludes(String targetHost) {
        String h = targetHost.toLowerCase(Locale.ROOT);
        for (String e : exclusions) {
            if (e.startsWith("*.") ? h.endsWith(e.substring(1)) : h.equals(e)) {
                return true;
            }
        }
        return false;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    boolean hasCredentials() {
        return userInfo != null;
    }

    /** The {@code Proxy-Authorization} value: user and password percent-decoded from the URL. */
    String basicCredentials() {
        String raw = userInfo.reveal();
        int colon = raw.indexOf(':');
        String user = URLDecoder.decode(raw.substring(0, colon).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        String password = URLDecoder.decode(raw.substring(colon + 1).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The proxy for messages: host and port, never the credentials. */
    String display() {
        return host + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProxyOptions)) {
            return false;
        }
        ProxyOptions p = (ProxyOptions) o;
        return host.equals(p.host) && port == p.port && Objects.equals(userInfo, p.userInfo)
                && exclusions.equals(p.exclusions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, userInfo, exclusions);
    }

    @Override
    public String toString() {
        return "http://" + (userInfo == null ? "" : "[hidden]@") + display()
                + (exclusions.isEmpty() ? "" : " except " + exclusions);
    }
}
