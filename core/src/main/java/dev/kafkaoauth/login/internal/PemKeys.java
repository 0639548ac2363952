package dev.kafkaoauth.login.internal;

import java.io.ByteArrayInputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads PEM private keys and certificates with the JDK alone. The JDK understands PKCS#8
 * ({@code BEGIN PRIVATE KEY}, and {@code BEGIN ENCRYPTED PRIVATE KEY} with PBES2 as OpenSSL 1.1
 * and later write it) but not PKCS#1 or SEC1 without Bouncy Castle, so those get an error that
 * shows the one-line conversion.
 */
final class PemKeys {

    /** PBES2 with PBKDF2 and AES-CBC, as the JDK names it: PBEWithHmacSHA256AndAES_256. */
    private static final Pattern PBES2_AES =
            Pattern.compile("PBEWith(HmacSHA\\d+)AndAES_(\\d+)");
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private PemKeys() {
    }

    /** Why a key or certificate cannot be used; the message never holds key material. */
    static final class KeyFileException extends Exception {
        private static final long serialVersionUID = 1L;

        KeyFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads the private key of a PEM text, which must hold exactly one.
     *
     * @param pem the file's text
     * @param passphrase the passphrase of an encrypted key, or null
     * @param file the file's name, for messages
     */
    static PrivateKey privateKey(String pem, String passphrase, String file)
            throws KeyFileException {
        Matcher m = BLOCK.matcher(pem);
        String type = null;
        String body = null;
        while (m.find()) {
            // Certificates and parameters may share the file; a second key may not, as the
            // one that signs would be a guess.
            if (m.group(1).endsWith("PRIVATE KEY")) {
                if (type != null) {
                    throw new KeyFileException("The key file " + file + " holds more than one"
                            + " private key: expected one, the key whose public key or"
                            + " certificate is registered for the client", null);
                }
                type = m.group(1);
                body = m.group(2);
            }
        }
        switch (type == null ? "" : type) {
            case "PRIVATE KEY":
                return pkcs8(decode(body, file), file);
            case "ENCRYPTED PRIVATE KEY":
                return encrypted(decode(body, file), passphrase, file);
            case "RSA PRIVATE KEY":
            case "EC PRIVATE KEY":
                throw new KeyFileException("The key file " + file + " holds a "
                        + (type.startsWith("RSA") ? "PKCS#1 RSA" : "SEC1 EC")
                        + " key, which Java reads only as PKCS#8. Convert it with: openssl"
                        + " pkcs8 -topk8 -nocrypt -in " + file + " -out key.pkcs8.pem (or"
                        + " without -nocrypt to encrypt it with a passphrase)", null);
            default:
                throw new KeyFileException("The key file " + file + " holds no PEM private key:"
                        + " expected a block starting with -----BEGIN PRIVATE KEY----- or"
                        + " -----BEGIN ENCRYPTED PRIVATE KEY-----", null);
        }
    }

    /** The first certificate of a PEM text. */
    static X509Certificate certificate(String pem, String file) throws KeyFileException {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if ("CERTIFICATE".equals(m.group(1))) {
                try {
                    return (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(
                                    decode(m.group(2), file)));
                } catch (CertificateException e) {
                    throw new KeyFileException("The certificate in " + file
                            + " cannot be read: " + e.getMessage(), e);
                }
            }
        }
        throw new KeyFileException("The file " + file + " holds no PEM certificate: expected a"
                + " block starting with -----BEGIN CERTIFICATE-----", null);
    }

    /** The base64url SHA-256 thumbprint of a certificate, as the {@code x5t#S256} header. */
    static String sha256Thumbprint(X509Certificate certificate) throws KeyFileException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new KeyFileException("Cannot compute the certificate's thumbprint", e);
        }
    }

    private static byte[] decode(String body, String file) throws KeyFileException {
        if (body.contains("Proc-Type:")) {
            throw new KeyFileException("The key file " + file + " is encrypted in OpenSSL's"
                    + " legacy format, which Java cannot read. Convert it with: openssl pkcs8"
                    + " -topk8 -in " + file + " -out key.pkcs8.pem", null);
        }
        try {
            // Not the MIME decoder: it skips characters outside base64 instead of failing.
            return Base64.getDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("The PEM block in " + file + " is not valid base64", e);
        }
    }

    private static PrivateKey pkcs8(byte[] der, String file) throws KeyFileException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // Not this algorithm: try the next one.
            } catch (GeneralSecurityException e) {
                throw new KeyFileException("Cannot read the key in " + file + ": "
                        + e.getClass().getSimpleName(), e);
            }
        }
        throw new KeyFileException("The key in " + file + " is neither an RSA nor an EC key:"
                + " expected one of those for RS256, PS256 or ES256", null);
    }

    private static PrivateKey encrypted(byte[] der, String passphrase, String file)
            throws KeyFileException {
        if (passphrase == null) {
            throw new KeyFileException("The key in " + file + " is encrypted but no passphrase"
                    + " is set: set sasl.oauthbearer.assertion.private.key.passphrase", null);
        }
        byte[] plain;
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters params = info.getAlgParameters();
            // For PBES2 the parameters name the real scheme (PBEWithHmacSHA256AndAES_256 ...).
            String algorithm = params != null ? params.toString() : info.getAlgName();
            Matcher pbes2 = PBES2_AES.matcher(algorithm);
            Cipher cipher;
            if (pbes2.matches()) {
                // The JDK's PBES2 key factory refuses a passphrase that is not ASCII; PBKDF2
                // takes it as UTF-8, as OpenSSL does, so the key is derived with PBKDF2.
                PBEParameterSpec spec = params.getParameterSpec(PBEParameterSpec.class);
                byte[] key = SecretKeyFactory.getInstance("PBKDF2With" + pbes2.group(1))
                        .generateSecret(new PBEKeySpec(passphrase.toCharArray(), spec.getSalt(),
                                spec.getIterationCount(), Integer.parseInt(pbes2.group(2))))
                        .getEncoded();
                cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                        spec.getParameterSpec());
            } else {
                cipher = Cipher.getInstance(algorithm);
                cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(algorithm)
                        .generateSecret(new PBEKeySpec(passphrase.toCharArray())), params);
            }
            plain = info.getKeySpec(cipher).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new KeyFileException("Cannot decrypt the key in " + file + ": the passphrase"
                    + " (sasl.oauthbearer.assertion.private.key.passphrase) is wrong", e);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new KeyFileException("Cannot decrypt the key in " + file + " ("
                    + e.getClass().getSimpleName() + "): re-encrypt it with openssl pkcs8 -topk8"
                    + " -v2 aes-256-cbc -in KEY -out key.pkcs8.pem", e);
        }
        return pkcs8(plain, file);
    }
}
