package dev.kafkaoauth.login.testkit;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.login.AppConfigurationEntry;

/**
 * Runs our handler from jars in a class loader of its own, through reflection, and logs in
 * with a token read from a {@code file:} endpoint: no network, no IdP. For tests of the shaded
 * jars and of class-loader isolation; public so that other modules' tests can use it.
 */
public final class IsolatedLogin {

    public static final String HANDLER = "dev.kafkaoauth.login.OAuthLoginCallbackHandler";
    private static final String TOKEN_CALLBACK =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback";
    private static final String LOGIN_MODULE =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

    private IsolatedLogin() {
    }

    /** The jar or class folder that holds the class, as a URL. */
    public static URL locationOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** The jar or class folder that holds the class. */
    public static Path pathOf(Class<?> type) {
        try {
            return Path.of(locationOf(type).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A loader over the URLs whose parent is the platform loader (the JDK only). */
    public static URLClassLoader isolated(String name, List<URL> urls) {
        return new URLClassLoader(name, urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader());
    }

    /** A loader over the URLs with the given parent. */
    public static URLClassLoader child(String name, List<URL> urls, ClassLoader parent) {
        return new URLClassLoader(name, urls.toArray(new URL[0]), parent);
    }

    /** URLs of jars and folders. */
    public static List<URL> urls(Path... paths) {
        List<URL> out = new ArrayList<>();
        try {
            for (Path p : paths) {
                out.add(p.toUri().toURL());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Writes an HS256 JWT for the subject, valid for the given seconds, to a token file. */
    public static Path writeTokenFile(Path dir, String subject, long lifetimeSeconds)
            throws IOException {
        long now = Instant.now().getEpochSecond();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
                .getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"" + subject + "\",\"iat\":" + now
                + ",\"exp\":" + (now + lifetimeSeconds) + "}").getBytes(StandardCharsets.UTF_8));
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec("isolated-login-test-key-32-bytes".getBytes(
                    StandardCharsets.UTF_8), "HmacSHA256"));
            signature = b64.encodeToString(mac.doFinal((header + "." + payload).getBytes(
                    StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Path file = dir.resolve(subject + ".jwt");
        Files.writeString(file, header + "." + payload + "." + signature);
        return file;
    }

    /** A handler of the loader, configured for the token file; {@link #close} closes it. */
    public static Object configure(ClassLoader loader, String handlerClass,
            Path tokenFile, Map<String, String> jaasOptions) throws ReflectiveOperationException {
        Object handler = loader.loadClass(handlerClass).getConstructor().newInstance();
        AppConfigurationEntry entry = new AppConfigurationEntry(LOGIN_MODULE,
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, jaasOptions);
        handler.getClass().getMethod("configure", Map.class, String.class, List.class)
                .invoke(handler, Map.of("sasl.oauthbearer.token.endpoint.url",
                        tokenFile.toUri().toString()), "OAUTHBEARER", List.of(entry));
        return handler;
    }

    /** Closes a handler of another loader. */
    public static void close(Object handler) throws ReflectiveOperationException {
        handler.getClass().getMethod("close").invoke(handler);
    }

    /** Asks the handler for a token and returns its principal name. */
    public static String principal(Object handler) throws Exception {
        ClassLoader loader = handler.getClass().getClassLoader();
        Object callback = loader.loadClass(TOKEN_CALLBACK).getConstructor().newInstance();
        ((CallbackHandler) handler).handle(new Callback[] {(Callback) callback});
        Object token = callback.getClass().getMethod("token").invoke(callback);
        if (token == null) {
            throw new AssertionError("no token: " + callback.getClass()
                    .getMethod("errorDescription").invoke(callback));
        }
        return (String) token.getClass().getMethod("principalName").invoke(token);
    }
}
