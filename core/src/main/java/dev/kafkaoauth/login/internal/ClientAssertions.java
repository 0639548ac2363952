package dev.kafkaoauth.login.internal;

import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_ALGORITHM;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_CERTIFICATE_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_PRIVATE_KEY_FILE;
import static dev.kafkaoauth.login.OAuthLoginConfig.ASSERTION_TEMPLATE_FILE;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.kafkaoauth.login.internal.PemKeys.KeyFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.config.ConfigException;

/**
 * Makes the client assertion of each token request: signs a new one with the configured key
 * (RFC 7523: {@code iss} and {@code sub} the client id, {@code aud} the token endpoint, a unique
 * {@code jti}, a short {@code exp}), or reads a ready-made one from its file. The key, the
 * certificate and the template are read again when their files change, so a rotated key is
 * used from the next request on; the assertion file is read at every request.
 */
final class ClientAssertions {

    /** An assertion this close to its expiry is treated as expired: it may lapse in flight. */
    private static final long EXPIRY_MARGIN_SECONDS = 5;

    private final AssertionOptions options;
    private final String clientId;
    private volatile Signing signing;

    /** Why no assertion could be made; the message names the file, never its content. */
    static final class AssertionException extends Exception {
        private static final long serialVersionUID = 1L;

        AssertionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A key read from its files, with the state of the files it was read from. */
    private static final class Signing {
        final JWSSigner signer;
        final JWSHeader header;
        final Map<String, Object> payloadTemplate;
        final String stamp;

        Signing(JWSSigner signer, JWSHeader header, Map<String, Object> payloadTemplate,
                String stamp) {
            this.signer = signer;
            this.header = header;
            this.payloadTemplate = payloadTemplate;
            this.stamp = stamp;
        }
    }

    /**
     * Reads the key files once so that a broken key fails {@code configure()}.
     *
     * @throws ConfigException naming the option of the file at fault
     */
    ClientAssertions(AssertionOptions options, String clientId) {
        this.options = options;
        this.clientId = clientId;
        if (options.keyFile() != null) {
            try {
                signing = load(stamp());
            } catch (AssertionException e) {
                throw new ConfigException(e.getMessage());
            }
        }
    }

    /**
     * The assertion for the next request.
     *
     * @param tokenEndpoint the endpoint the request goes to: the default audience
     * @param now the time of the request: {@code iat}, {@code nbf} and {@code exp} of a
     *     signed assertion count from it, and a read one must not expire before it
     */
    String next(String tokenEndpoint, Instant now) throws AssertionException {
        return options.keyFile() != null ? sign(tokenEndpoint, now) : readFile(now);
    }

    private String sign(String tokenEndpoint, Instant now) throws AssertionException {
        Signing s = signing;
        String stamp = stamp();
        if (s == null || !s.stamp.equals(stamp)) {
            s = load(stamp);
            signing = s;
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        s.payloadTemplate.forEach(claims::claim);
        String iss = options.issuer() != null ? options.issuer()
                : (String) s.payloadTemplate.getOrDefault("iss", clientId);
        String sub = options.subject() != null ? options.subject()
                : (String) s.payloadTemplate.getOrDefault("sub", clientId);
        Object aud = options.audience() != null ? options.audience()
                : s.payloadTemplate.getOrDefault("aud", tokenEndpoint);
        claims.issuer(iss).subject(sub).claim("aud", aud)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(options.nbfSeconds())))
                .expirationTime(Date.from(now.plusSeconds(options.expSeconds())))
                .jwtID(UUID.randomUUID().toString());
        SignedJWT jwt = new SignedJWT(s.header, claims.build());
        try {
            jwt.sign(s.signer);
        } catch (JOSEException e) {
            throw new AssertionException("Cannot sign the client assertion with the key in "
                    + options.keyFile() + " (" + e.getClass().getSimpleName() + ")", e);
        }
        return jwt.serialize();
    }

    private String stamp() {
        return stampOf(options.keyFile()) + "|" + stampOf(options.certificateFile()) + "|"
                + stampOf(options.templateFile());
    }

    private static String stampOf(Path file) {
        if (file == null) {
            return "-";
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            return modified.toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private Signing load(String stamp) throws AssertionException {
        PrivateKey key;
        try {
            key = PemKeys.privateKey(read(options.keyFile(), ASSERTION_PRIVATE_KEY_FILE),
                    options.passphrase() == null ? null : options.passphrase().reveal(),
                    options.keyFile().toString());
        } catch (KeyFileException e) {
            throw new AssertionException(e.getMessage() + " (" + ASSERTION_PRIVATE_KEY_FILE
                    + ")", e);
        }
        JWSAlgorithm algorithm = algorithm(key);
        JWSSigner signer;
        try {
            signer = key instanceof ECPrivateKey ? new ECDSASigner((ECPrivateKey) key)
                    : new RSASSASigner(key);
        } catch (JOSEException e) {
            throw notP256(e);
        } catch (IllegalArgumentException e) {
            // nimbus refuses RSA keys under 2048 bits, as RFC 7518 section 3.3 requires.
            throw new AssertionException("The RSA key in " + options.keyFile() + " is shorter"
                    + " than 2048 bits, the least RS256 and PS256 allow (RFC 7518 section"
                    + " 3.3): use a longer key (" + ASSERTION_PRIVATE_KEY_FILE + ")", e);
        }
        if (!signer.supportedJWSAlgorithms().contains(algorithm)) {
            // A P-384 or P-521 key makes an ES384 or ES512 signer: it cannot sign ES256.
            throw notP256(null);
        }
        Map<String, Object> headerTemplate = Map.of();
        Map<String, Object> payloadTemplate = Map.of();
        if (options.templateFile() != null) {
            Map<String, Object> template = template();
            headerTemplate = section(template, "header");
            payloadTemplate = section(template, "payload");
            for (String claim : new String[] {"iss", "sub"}) {
                Object value = payloadTemplate.get(claim);
                if (value != null && !(value instanceof String)) {
                    // RFC 7519 section 4.1: both are StringOrURI; sign() takes them as text.
                    throw new AssertionException("The assertion template "
                            + options.templateFile() + " has a claim \"" + claim + "\" that is not"
                            + " a string (" + ASSERTION_TEMPLATE_FILE + ")", null);
                }
            }
        }
        Map<String, Object> header = new LinkedHashMap<>(headerTemplate);
        header.put("alg", algorithm.getName());
        header.putIfAbsent("typ", JOSEObjectType.JWT.getType());
        if (options.keyId() != null) {
            header.put("kid", options.keyId());
        }
        if (options.certificateFile() != null) {
            try {
                String pem = read(options.certificateFile(), ASSERTION_CERTIFICATE_FILE);
                header.put("x5t#S256", PemKeys.sha256Thumbprint(
                        PemKeys.certificate(pem, options.certificateFile().toString())));
            } catch (KeyFileException e) {
                throw new AssertionException(e.getMessage() + " (JAAS option "
                        + ASSERTION_CERTIFICATE_FILE + ")", e);
            }
        }
        JWSHeader built;
        try {
            built = JWSHeader.parse(header);
        } catch (ParseException e) {
            throw new AssertionException("The assertion template " + options.templateFile()
                    + " has an unusable \"header\" (" + ASSERTION_TEMPLATE_FILE + ")", e);
        }
        return new Signing(signer, built, payloadTemplate, stamp);
    }

    private AssertionException notP256(Throwable cause) {
        return new AssertionException("The EC key in " + options.keyFile() + " is not on"
                + " curve P-256, which ES256 needs (" + ASSERTION_PRIVATE_KEY_FILE + ")", cause);
    }

    private JWSAlgorithm algorithm(PrivateKey key) throws AssertionException {
        // Null, PS256 or ES256: AssertionOptions reads RS256 as "from the key".
        String configured = options.algorithm();
        if (key instanceof ECPrivateKey) {
            if ("PS256".equals(configured)) {
                throw new AssertionException("The assertion algorithm is " + configured
                        + " but the key in " + options.keyFile() + " is an EC key: use ES256"
                        + " or an RSA key", null);
            }
            return JWSAlgorithm.ES256;
        }
        if (!(key instanceof RSAPrivateKey)) {
            throw new AssertionException("The key in " + options.keyFile() + " is neither RSA"
                    + " nor EC", null);
        }
        if ("ES256".equals(configured)) {
            throw new AssertionException("The assertion algorithm (" + ASSERTION_ALGORITHM
                    + " or JAAS option assertionAlgorithm) is ES256 but the key in "
                    + options.keyFile() + " is an RSA key: use RS256 or PS256, or an EC key",
                    null);
        }
        return "PS256".equals(configured) ? JWSAlgorithm.PS256 : JWSAlgorithm.RS256;
    }

    private Map<String, Object> template() throws AssertionException {
        String text = read(options.templateFile(), ASSERTION_TEMPLATE_FILE);
        try {
            return JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            throw new AssertionException("The assertion template " + options.templateFile()
                    + " is not a JSON object (" + ASSERTION_TEMPLATE_FILE + ")", e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(Map<String, Object> template, String name)
            throws AssertionException {
        Object value = template.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map)) {
            throw new AssertionException("The assertion template " + options.templateFile()
                    + " has a \"" + name + "\" that is not a JSON object ("
                    + ASSERTION_TEMPLATE_FILE + ")", null);
        }
        return (Map<String, Object>) value;
    }

    private String readFile(Instant now) throws AssertionException {
        Path file = options.assertionFile();
        String value = read(file, options.sourceOption()).trim();
        if (value.isEmpty()) {
            throw new AssertionException("The client assertion file " + file + " is empty ("
                    + options.sourceOption() + ")", null);
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(value);
        } catch (ParseException e) {
            throw new AssertionException("The client assertion file " + file + " does not hold a"
                    + " JWT (expected three base64url parts separated by dots)", null);
        }
        JWTClaimsSet claims;
        try {
            // Null for an encrypted assertion (JWE): its expiry is for the server to check.
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AssertionException("The client assertion in " + file + " has unreadable"
                    + " claims", null);
        }
        Date exp = claims == null ? null : claims.getExpirationTime();
        if (claims != null && exp == null) {
            // RFC 7523 section 3: the server must refuse it; say so here, naming the file.
            throw new AssertionException("The client assertion in " + file + " has no exp"
                    + " claim, which RFC 7523 section 3 requires (" + options.sourceOption()
                    + "): expected a JWT with an expiry", null);
        }
        if (exp != null && exp.getTime() / 1000 > TokenParser.MAX_EXP_SECONDS) {
            throw new AssertionException("The client assertion in " + file + " has an exp claim"
                    + " in milliseconds, not seconds since the epoch as RFC 7519 requires ("
                    + options.sourceOption() + "): fix whatever writes the file", null);
        }
        if (exp != null && !exp.toInstant().isAfter(now.plusSeconds(EXPIRY_MARGIN_SECONDS))) {
            throw new AssertionException("The client assertion in " + file + " expired at "
                    + exp.toInstant() + " (now " + now + "): whatever writes the file (the"
                    + " kubelet's projected service-account token, a federated credential"
                    + " agent) has stopped renewing it", null);
        }
        return value;
    }

    private static String read(Path file, String option) throws AssertionException {
        if (Files.isDirectory(file)) {
            throw new AssertionException("The file " + file + " (" + option + ") is a"
                    + " directory: expected the path of the file itself", null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = TokenEndpointClient.readBounded(in, "The file " + file + " ("
                    + option + ")");
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (TokenEndpointClient.TooLargeException e) {
            throw new AssertionException(e.getMessage(), e);
        } catch (CharacterCodingException e) {
            throw new AssertionException("The file " + file + " (" + option + ") is not UTF-8"
                    + " text: expected text (PEM, JSON or a JWT), not binary data such as a DER"
                    + " key", e);
        } catch (IOException e) {
            throw new AssertionException("Cannot read the file " + file + " (" + option + "): "
                    + (Files.exists(file) ? e.getClass().getSimpleName() : "it does not exist"),
                    e);
        }
    }

    @Override
    public String toString() {
        return "ClientAssertions" + options + " for " + Objects.toString(clientId, "no client id");
    }
}
