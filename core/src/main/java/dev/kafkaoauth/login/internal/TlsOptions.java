package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_KEYSTORE_CERTIFICATE_CHAIN;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_KEYSTORE_KEY;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_KEYSTORE_LOCATION;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_KEYSTORE_PASSWORD;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_KEYSTORE_TYPE;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_KEY_PASSWORD;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_PROTOCOL;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_TRUSTSTORE_CERTIFICATES;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_TRUSTSTORE_LOCATION;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_TRUSTSTORE_PASSWORD;
import static dev.kafkaoauth.login.OAuthLoginConfig.SSL_TRUSTSTORE_TYPE;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * TLS to the identity provider from Kafka's JAAS {@code ssl.*} options: trust store (JKS,
 * PKCS12, PEM file or inline PEM), key store for mutual TLS (JKS, PKCS12, PEM), protocol and
 * host name verification. The SSL context is built once, in {@code configure()}, so that a
 * missing file or a wrong password fails there. Equality covers every option, the contents of
 * the files (by digest) and the passwords (by digest): it takes part in the credential key.
 */
public final class TlsOptions {

    /** Every JAAS option this class reads. */
    static final Set<String> NAMES = Set.of(SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD,
            SSL_TRUSTSTORE_TYPE, SSL_TRUSTSTORE_CERTIFICATES, SSL_KEYSTORE_LOCATION,
            SSL_KEYSTORE_PASSWORD, SSL_KEYSTORE_TYPE, SSL_KEY_PASSWORD,
            SSL_KEYSTORE_CERTIFICATE_CHAIN, SSL_KEYSTORE_KEY,
            SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, SSL_PROTOCOL);
    private static final Set<String> SECRET_NAMES = Set.of(SSL_TRUSTSTORE_PASSWORD,
            SSL_KEYSTORE_PASSWORD, SSL_KEY_PASSWORD, SSL_KEYSTORE_KEY);
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final String TYPES = "JKS, PKCS12 or PEM";

    /** No {@code ssl.*} option: the JVM's defaults. */
    static final TlsOptions DEFAULT = new TlsOptions(Map.of(), null, true);

    /** Option name to value; passwords and keys as {@link Secret}; files with a digest. */
    private final Map<String, Object> identity;
    private final SSLSocketFactory socketFactory;
    private final boolean verifyHostname;

    private TlsOptions(Map<String, Object> identity, SSLSocketFactory socketFactory,
            boolean verifyHostname) {
        this.identity = identity;
        this.socketFactory = socketFactory;
        this.verifyHostname = verifyHostname;
    }

    /**
     * Reads the {@code ssl.*} JAAS options and builds the SSL context they describe.
     *
     * @throws ConfigException naming the option at fault, never a password
     */
    static TlsOptions parse(Map<String, ?> jaas) {
        Map<String, Object> identity = new TreeMap<>();
        for (String name : NAMES) {
            String value = raw(jaas, name);
            if (value != null) {
                identity.put(name, SECRET_NAMES.contains(name) ? Secret.of(value) : value);
            }
        }
        if (identity.isEmpty()) {
            return DEFAULT;
        }
        boolean verify = verifyHostname(raw(jaas, SSL_ENDPOINT_IDENTIFICATION_ALGORITHM));
        boolean custom = identity.keySet().stream()
                .anyMatch(n -> !n.equals(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM));
        if (!custom) {
            return new TlsOptions(Map.copyOf(identity), null, verify);
        }
        TrustManager[] trust = trustManagers(jaas, identity);
        KeyManager[] keys = keyManagers(jaas, identity);
        String protocol = value(jaas, SSL_PROTOCOL);
        SSLContext context;
        try {
            context = SSLContext.getInstance(protocol == null ? "TLS" : protocol);
        } catch (NoSuchAlgorithmException e) {
            throw new ConfigException(jaasName(SSL_PROTOCOL), protocol,
                    "this JVM has no such protocol: expected TLSv1.3 or TLSv1.2");
        }
        try {
            context.init(keys, trust, null);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("The JAAS ssl.* options give no usable SSL context ("
                    + e.getClass().getSimpleName() + "): check the stores and their types");
        }
        return new TlsOptions(Map.copyOf(identity),
                new TlsSocketFactory(context.getSocketFactory(), verify, null), verify);
    }

    /** The socket factory for HTTPS connections, or null for the JVM's default. */
    SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /** Whether a client certificate (key store or inline key) is set, for mutual TLS. */
    public boolean hasClientCertificate() {
        return identity.containsKey(SSL_KEYSTORE_LOCATION)
                || identity.containsKey(SSL_KEYSTORE_KEY);
    }

    /** False when {@code ssl.endpoint.identification.algorithm} is set empty. */
    public boolean verifyHostname() {
        return verifyHostname;
    }

    private static boolean verifyHostname(String value) {
        if (value == null) {
            return true;
        }
        String v = value.trim();
        if (v.isEmpty()) {
            return false;
        }
        if (!"https".equalsIgnoreCase(v)) {
            throw new ConfigException(jaasName(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM), value,
                    "expected https (the default) or an empty string to turn host name"
                            + " verification off");
        }
        return true;
    }

    private static TrustManager[] trustManagers(Map<String, ?> jaas,
            Map<String, Object> identity) {
        String location = value(jaas, SSL_TRUSTSTORE_LOCATION);
        String inline = value(jaas, SSL_TRUSTSTORE_CERTIFICATES);
        if (location != null && inline != null) {
            throw new ConfigException("JAAS options " + SSL_TRUSTSTORE_LOCATION + " and "
                    + SSL_TRUSTSTORE_CERTIFICATES + " are both set: keep one");
        }
        KeyStore store;
        if (inline != null) {
            store = certificateStore(SSL_TRUSTSTORE_CERTIFICATES, inline);
        } else if (location != null) {
            String type = storeType(jaas, SSL_TRUSTSTORE_TYPE);
            byte[] content = read(SSL_TRUSTSTORE_LOCATION, location, identity);
            store = "PEM".equals(type)
                    ? certificateStore(SSL_TRUSTSTORE_LOCATION,
                            new String(content, StandardCharsets.UTF_8))
                    : load(SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_TYPE, SSL_TRUSTSTORE_PASSWORD,
                            type, content, value(jaas, SSL_TRUSTSTORE_PASSWORD));
        } else {
            return null; // the JVM's default trust
        }
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return f.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new ConfigException("JAAS option " + (inline != null
                    ? SSL_TRUSTSTORE_CERTIFICATES : SSL_TRUSTSTORE_LOCATION)
                    + " gives no usable trust store (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static KeyManager[] keyManagers(Map<String, ?> jaas, Map<String, Object> identity) {
        String location = value(jaas, SSL_KEYSTORE_LOCATION);
        String inlineKey = value(jaas, SSL_KEYSTORE_KEY);
        String inlineChain = value(jaas, SSL_KEYSTORE_CERTIFICATE_CHAIN);
        if (location != null && (inlineKey != null || inlineChain != null)) {
            throw new ConfigException("JAAS options " + SSL_KEYSTORE_LOCATION + " and "
                    + SSL_KEYSTORE_KEY + "/" + SSL_KEYSTORE_CERTIFICATE_CHAIN
                    + " are both set: keep one");
        }
        if ((inlineKey == null) != (inlineChain == null)) {
            throw new ConfigException("JAAS options " + SSL_KEYSTORE_KEY + " and "
                    + SSL_KEYSTORE_CERTIFICATE_CHAIN + " go together: set both or neither");
        }
        String storePassword = value(jaas, SSL_KEYSTORE_PASSWORD);
        String keyPassword = value(jaas, SSL_KEY_PASSWORD);
        KeyStore store;
        char[] protection;
        if (inlineKey != null) {
            protection = new char[0];
            store = keyStore(SSL_KEYSTORE_KEY, inlineKey, SSL_KEYSTORE_CERTIFICATE_CHAIN,
                    inlineChain, keyPassword);
        } else if (location != null) {
            String type = storeType(jaas, SSL_KEYSTORE_TYPE);
            byte[] content = read(SSL_KEYSTORE_LOCATION, location, identity);
            if ("PEM".equals(type)) {
                String pem = new String(content, StandardCharsets.UTF_8);
                protection = new char[0];
                store = keyStore(SSL_KEYSTORE_LOCATION, pem, SSL_KEYSTORE_LOCATION, pem,
                        keyPassword);
            } else {
                store = load(SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_TYPE, SSL_KEYSTORE_PASSWORD,
                        type, content, storePassword);
                String p = keyPassword != null ? keyPassword : storePassword;
                protection = p == null ? new char[0] : p.toCharArray();
            }
        } else {
            return null;
        }
        try {
            KeyManagerFactory f = KeyManagerFactory.getInstance(
                    KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, protection);
            return f.getKeyManagers();
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException("JAAS option " + SSL_KEY_PASSWORD + " (or "
                    + SSL_KEYSTORE_PASSWORD + ") does not open the private key in "
                    + SSL_KEYSTORE_LOCATION + ": set the key's password");
        } catch (GeneralSecurityException e) {
            throw new ConfigException("JAAS option " + SSL_KEYSTORE_LOCATION
                    + " gives no usable key store (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String storeType(Map<String, ?> jaas, String option) {
        String type = value(jaas, option);
        if (type == null) {
            return "JKS"; // Kafka's default
        }
        String t = type.toUpperCase(Locale.ROOT);
        if (!t.equals("JKS") && !t.equals("PKCS12") && !t.equals("PEM")) {
            throw new ConfigException(jaasName(option), type, "expected " + TYPES);
        }
        return t;
    }

    private static byte[] read(String option, String location, Map<String, Object> identity) {
        Path path = Paths.get(location);
        FilePolicy.check(jaasName(option), path);
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ConfigException(jaasName(option), location,
                    "no such file: give the path of an existing, readable file");
        } catch (IOException e) {
            throw new ConfigException(jaasName(option), location, "cannot be read ("
                    + e.getClass().getSimpleName() + "): check the path and its permissions");
        }
        // A store replaced on disk makes a new credential key for handlers configured later.
        identity.put(option + "#sha256", HexFormat.of().formatHex(sha256(content)));
        return content;
    }

    private static KeyStore load(String option, String typeOption, String passwordOption,
            String type, byte[] content, String password) {
        try {
            KeyStore store = KeyStore.getInstance(type);
            try (InputStream in = new ByteArrayInputStream(content)) {
                store.load(in, password == null ? null : password.toCharArray());
            }
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException("JAAS option " + passwordOption + " does not open "
                        + option + ": set the store's password");
            }
            throw new ConfigException("JAAS option " + option + " cannot be read as a " + type
                    + " store (" + e.getClass().getSimpleName() + "): check " + typeOption
                    + " (" + TYPES + ") and " + passwordOption);
        } catch (KeyStoreException e) {
            throw new ConfigException(jaasName(typeOption), type, "this JVM has no such store"
                    + " type: expected " + TYPES);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("JAAS option " + option + " cannot be read as a " + type
                    + " store (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static KeyStore certificateStore(String option, String pem) {
        List<Certificate> certs = certificates(option, pem);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                store.setCertificateEntry("ca-" + i, certs.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("JAAS option " + option + " gives no usable trust store ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static List<Certificate> certificates(String option, String pem) {
        List<Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, "CERTIFICATE")) {
                certs.add(factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new ConfigException("JAAS option " + option + " holds a certificate that"
                    + " cannot be read (" + e.getClass().getSimpleName() + "): expected PEM"
                    + " blocks -----BEGIN CERTIFICATE-----");
        }
        if (certs.isEmpty()) {
            throw new ConfigException("JAAS option " + option + " holds no PEM certificate:"
                    + " expected -----BEGIN CERTIFICATE----- blocks (or set the store type to"
                    + " JKS or PKCS12 for a binary store)");
        }
        return certs;
    }

    private static KeyStore keyStore(String keyOption, String keyPem, String chainOption,
            String chainPem, String keyPassword) {
        PrivateKey key = privateKey(keyOption, keyPem, keyPassword);
        List<Certificate> chain = certificates(chainOption, chainPem);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("JAAS option " + keyOption + " and its certificate chain"
                    + " do not make a key store (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static PrivateKey privateKey(String option, String pem, String password) {
        Matcher m = PEM_BLOCK.matcher(pem);
        while (m.find()) {
            String label = m.group(1);
            if (label.equals("RSA PRIVATE KEY") || label.equals("EC PRIVATE KEY")) {
                throw new ConfigException("JAAS option " + option + " holds a " + label
                        + " (PKCS#1 or SEC1), which the JDK cannot read: convert it to PKCS#8"
                        + " with: openssl pkcs8 -topk8 -in key.pem -out key-pkcs8.pem");
            }
            if (!label.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der = decode(m.group(2));
            PKCS8EncodedKeySpec spec = label.equals("ENCRYPTED PRIVATE KEY")
                    ? decrypt(option, der, password) : new PKCS8EncodedKeySpec(der);
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            throw new ConfigException("JAAS option " + option + " holds a private key of an"
                    + " algorithm this JVM cannot read: expected RSA, EC or EdDSA in PKCS#8");
        }
        throw new ConfigException("JAAS option " + option + " holds no PEM private key:"
                + " expected a -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE"
                + " KEY----- block");
    }

    private static PKCS8EncodedKeySpec decrypt(String option, byte[] der, String password) {
        if (password == null) {
            throw new ConfigException("JAAS option " + option + " holds an encrypted private"
                    + " key but " + SSL_KEY_PASSWORD + " is not set: set it");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            String algorithm = info.getAlgParameters() == null ? info.getAlgName()
                    : info.getAlgParameters().toString();
            SecretKeyFactory f = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, f.generateSecret(new PBEKeySpec(
                    password.toCharArray())), info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (InvalidKeySpecException e) {
            throw new ConfigException("JAAS option " + SSL_KEY_PASSWORD + " does not decrypt"
                    + " the private key in " + option + ": set the key's password");
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("JAAS option " + option + " holds an encrypted private"
                    + " key this JVM cannot decrypt (" + e.getClass().getSimpleName()
                    + "): convert it to PKCS#8 with PBES2 and AES");
        }
    }

    private static List<byte[]> blocks(String pem, String label) {
        List<byte[]> result = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                result.add(decode(m.group(2)));
            }
        }
        return result;
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The raw value; an empty string stays empty (it turns host name checks off). */
    private static String raw(Map<String, ?> jaas, String name) {
        Object v = jaas.get(name);
        if (v == null) {
            return null;
        }
        return v instanceof Password ? ((Password) v).value() : v.toString();
    }

    private static String value(Map<String, ?> jaas, String name) {
        String v = raw(jaas, name);
        if (v == null || v.isBlank()) {
            return null;
        }
        // Passwords and inline keys are not trimmed; paths and names are.
        return SECRET_NAMES.contains(name) ? v : v.trim();
    }

    private static String jaasName(String option) {
        return "JAAS option " + option;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsOptions && identity.equals(((TlsOptions) o).identity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identity);
    }

    /** Names the options that are set; passwords, keys and digests are never shown. */
    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        identity.forEach((k, v) -> {
            if (!k.contains("#") && !(v instanceof Secret)
                    && !k.equals(SSL_TRUSTSTORE_CERTIFICATES)
                    && !k.equals(SSL_KEYSTORE_CERTIFICATE_CHAIN)) {
                shown.put(k, v);
            } else if (!k.contains("#")) {
                shown.put(k, "[set]");
            }
        });
        return shown.toString();
    }
}
