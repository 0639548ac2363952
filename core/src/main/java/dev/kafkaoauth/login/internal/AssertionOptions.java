package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_ALGORITHM;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_ALGORITHM_OPTION;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CERTIFICATE_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CLAIM_AUD;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CLAIM_EXP_SECONDS;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CLAIM_ISS;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CLAIM_NBF_SECONDS;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CLAIM_SUB;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_KEY_ID;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_PRIVATE_KEY_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_PRIVATE_KEY_PASSPHRASE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_TEMPLATE_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.CLIENT_ASSERTION_FILE;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a client assertion comes from: a private key that signs one at each request
 * ({@code private_key_jwt}, or the jwt-bearer grant), or a file that holds a ready-made one
 * (workload identity). Immutable; part of the credential key; {@link #toString()} shows paths
 * and claims but never the passphrase.
 */
public final class AssertionOptions {

    /** The algorithms this library signs with. */
    static final Set<String> ALGORITHMS = Set.of("RS256", "PS256", "ES256");

    private final Path keyFile;
    private final Secret passphrase;
    private final String algorithm;
    private final String issuer;
    private final String subject;
    private final String audience;
    private final long expSeconds;
    private final long nbfSeconds;
    private final Path templateFile;
    private final Path assertionFile;
    private final String keyId;
    private final Path certificateFile;

    private AssertionOptions(Path keyFile, Secret passphrase, String algorithm, String issuer,
            String subject, String audience, long expSeconds, long nbfSeconds, Path templateFile,
            Path assertionFile, String keyId, Path certificateFile) {
        this.keyFile = keyFile;
        this.passphrase = passphrase;
        this.algorithm = algorithm;
        this.issuer = issuer;
        this.subject = subject;
        this.audience = audience;
        this.expSeconds = expSeconds;
        this.nbfSeconds = nbfSeconds;
        this.templateFile = templateFile;
        this.assertionFile = assertionFile;
        this.keyId = keyId;
        this.certificateFile = certificateFile;
    }

    /**
     * Reads the assertion settings: Kafka's {@code sasl.oauthbearer.assertion.*} client
     * properties and our JAAS options. Files are checked against Kafka's allow-list here.
     *
     * @throws ConfigException naming the option at fault
     */
    static AssertionOptions parse(Map<String, ?> configs, Map<String, ?> jaas) {
        Path keyFile = path(configs, ASSERTION_PRIVATE_KEY_FILE);
        Path fromProperty = path(configs, ASSERTION_FILE);
        Path fromJaas = path(jaas, CLIENT_ASSERTION_FILE);
        // Same meaning: the client property wins, as everywhere else.
        Path assertionFile = fromProperty != null ? fromProperty : fromJaas;
        if (keyFile != null && assertionFile != null) {
            String other = fromProperty != null ? ASSERTION_FILE
                    : "JAAS option " + CLIENT_ASSERTION_FILE;
            throw new ConfigException(ASSERTION_PRIVATE_KEY_FILE + " and " + other
                    + " are both set: an assertion is either signed here with the key or read"
                    + " ready-made from the file; keep one");
        }
        String passphraseText = text(configs.get(ASSERTION_PRIVATE_KEY_PASSPHRASE));
        // Our JAAS option wins: Kafka 4.x refuses PS256 in its property and passes RS256 when
        // the property is unset, so the property alone cannot ask for PS256 there.
        String algorithmFromJaas = trimmed(jaas, ASSERTION_ALGORITHM_OPTION);
        String algorithmOption = algorithmFromJaas != null
                ? "JAAS option " + ASSERTION_ALGORITHM_OPTION : ASSERTION_ALGORITHM;
        String algorithm = algorithmFromJaas != null ? algorithmFromJaas
                : text(configs.get(ASSERTION_ALGORITHM));
        if (algorithm != null) {
            algorithm = algorithm.trim().toUpperCase(Locale.ROOT);
            if (!ALGORITHMS.contains(algorithm)) {
                throw new ConfigException(algorithmOption, algorithm,
                        "expected RS256, PS256 or ES256");
            }
            // RS256 signs exactly as "choose from the key" does (an EC key means ES256), and
            // Kafka 4.x passes it when unset: one value, so that such handlers share a token.
            algorithm = "RS256".equals(algorithm) ? null : algorithm;
        }
        AssertionOptions o = new AssertionOptions(keyFile, Secret.of(passphraseText), algorithm,
                trimmed(configs, ASSERTION_CLAIM_ISS), trimmed(configs, ASSERTION_CLAIM_SUB),
                trimmed(configs, ASSERTION_CLAIM_AUD),
                seconds(configs, ASSERTION_CLAIM_EXP_SECONDS, 300, 1),
                seconds(configs, ASSERTION_CLAIM_NBF_SECONDS, 60, 0),
                path(configs, ASSERTION_TEMPLATE_FILE), assertionFile,
                trimmed(jaas, ASSERTION_KEY_ID), path(jaas, ASSERTION_CERTIFICATE_FILE));
        String signingOnly = o.certificateFile != null
                ? "JAAS option " + ASSERTION_CERTIFICATE_FILE
                : o.keyId != null ? "JAAS option " + ASSERTION_KEY_ID
                : o.templateFile != null ? ASSERTION_TEMPLATE_FILE
                : o.issuer != null ? ASSERTION_CLAIM_ISS
                : o.subject != null ? ASSERTION_CLAIM_SUB
                : o.audience != null ? ASSERTION_CLAIM_AUD : null;
        if (keyFile == null && signingOnly != null) {
            // Kafka reads a set claim.iss as "sign assertions": it must not silently fall back
            // to the secret here.
            throw new ConfigException(signingOnly + " is set but " + ASSERTION_PRIVATE_KEY_FILE
                    + " is not: it describes assertions signed with that key; set the key file"
                    + " (a PKCS#8 PEM private key) or remove it");
        }
        return o;
    }

    private static String text(Object value) {
        return LoginOptions.Reader.text(value);
    }

    private static String trimmed(Map<String, ?> map, String name) {
        String s = text(map.get(name));
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Path path(Map<String, ?> map, String name) {
        String s = trimmed(map, name);
        if (s == null) {
            return null;
        }
        String option = map.containsKey(name) && name.indexOf('.') < 0 ? "JAAS option " + name
                : name;
        Path p;
        try {
            p = s.startsWith("file:") ? Paths.get(java.net.URI.create(s)) : Paths.get(s);
        } catch (RuntimeException e) {
            throw new ConfigException(option, s, "expected a file path");
        }
        FilePolicy.check(option, p);
        return p;
    }

    private static long seconds(Map<String, ?> configs, String name, long fallback, long min) {
        return LoginOptions.Reader.checkedLong(name, configs.get(name), fallback, min, 86_400);
    }

    /** Whether any assertion source is configured. */
    public boolean present() {
        return keyFile != null || assertionFile != null;
    }

    /** The option that configured the source, for messages. */
    String sourceOption() {
        return keyFile != null ? ASSERTION_PRIVATE_KEY_FILE
                : assertionFile != null ? ASSERTION_FILE + " (or JAAS option "
                        + CLIENT_ASSERTION_FILE + ")" : null;
    }

    Path keyFile() {
        return keyFile;
    }

    Secret passphrase() {
        return passphrase;
    }

    /** The configured algorithm, or null to choose it from the key. */
    String algorithm() {
        return algorithm;
    }

    String issuer() {
        return issuer;
    }

    String subject() {
        return subject;
    }

    String audience() {
        return audience;
    }

    long expSeconds() {
        return expSeconds;
    }

    long nbfSeconds() {
        return nbfSeconds;
    }

    Path templateFile() {
        return templateFile;
    }

    /** The file that holds a ready-made assertion, or null. */
    public Path assertionFile() {
        return assertionFile;
    }

    String keyId() {
        return keyId;
    }

    Path certificateFile() {
        return certificateFile;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AssertionOptions)) {
            return false;
        }
        AssertionOptions a = (AssertionOptions) o;
        return expSeconds == a.expSeconds && nbfSeconds == a.nbfSeconds
                && Objects.equals(keyFile, a.keyFile) && Objects.equals(passphrase, a.passphrase)
                && Objects.equals(algorithm, a.algorithm) && Objects.equals(issuer, a.issuer)
                && Objects.equals(subject, a.subject) && Objects.equals(audience, a.audience)
                && Objects.equals(templateFile, a.templateFile)
                && Objects.equals(assertionFile, a.assertionFile)
                && Objects.equals(keyId, a.keyId)
                && Objects.equals(certificateFile, a.certificateFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyFile, passphrase, algorithm, issuer, subject, audience, expSeconds,
                nbfSeconds, templateFile, assertionFile, keyId, certificateFile);
    }

    @Override
    public String toString() {
        if (!present()) {
            return "none";
        }
        if (assertionFile != null) {
            return "{assertionFile=" + assertionFile + "}";
        }
        return "{keyFile=" + keyFile + ", passphrase=" + (passphrase == null ? "none" : passphrase)
                + ", algorithm=" + (algorithm == null ? "from the key" : algorithm)
                + ", iss=" + issuer + ", sub=" + subject + ", aud=" + audience
                + ", expSeconds=" + expSeconds + ", keyId=" + keyId
                + ", certificateFile=" + certificateFile + ", templateFile=" + templateFile + "}";
    }
}
