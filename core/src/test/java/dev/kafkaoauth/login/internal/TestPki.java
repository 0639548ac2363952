package dev.kafkaoauth.login.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA with server and client certificates, made at test time into a directory
 * (no private key is ever committed): trust stores as JKS, PKCS12 and PEM, a server key store
 * for 127.0.0.1, one for a wrong host name, and a client key store and PEM files for mutual TLS.
 */
public final class TestPki {

    public static final String STORE_PASSWORD = "store-Canary-pw1";
    public static final String KEY_PASSWORD = "key-Canary-pw2";
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    final Path dir;
    final Path trustJks;
    public final Path trustP12;
    final Path trustPem;
    final Path otherCaPem;
    public final Path clientP12;
    final Path clientKeyPem;
    final Path clientChainPem;
    public final SSLContext serverContext;
    final SSLContext wrongHostContext;
    /** Trusts the CA: the server side of mutual TLS checks client certificates with it. */
    final KeyStore caTrust;

    public TestPki(Path dir) throws Exception {
        this.dir = dir;
        KeyPair caKeys = ecKeys();
        X509Certificate ca = sign("CN=Test CA", caKeys, "CN=Test CA", caKeys.getPrivate(),
                true, null);
        KeyPair otherKeys = ecKeys();
        X509Certificate otherCa = sign("CN=Other CA", otherKeys, "CN=Other CA",
                otherKeys.getPrivate(), true, null);
        caTrust = store("PKCS12");
        caTrust.setCertificateEntry("ca", ca);
        trustJks = save(withCa("JKS", ca), "trust.jks");
        trustP12 = save(withCa("PKCS12", ca), "trust.p12");
        trustPem = Files.writeString(dir.resolve("trust.pem"), pem("CERTIFICATE",
                ca.getEncoded()));
        otherCaPem = Files.writeString(dir.resolve("other-ca.pem"), pem("CERTIFICATE",
                otherCa.getEncoded()));

        serverContext = serverContext(ca, caKeys, new GeneralName(GeneralName.iPAddress,
                "127.0.0.1"));
        wrongHostContext = serverContext(ca, caKeys, new GeneralName(GeneralName.dNSName,
                "idp.wrong.example"));

        KeyPair clientKeys = ecKeys();
        X509Certificate client = sign("CN=kafka-client", clientKeys, "CN=Test CA",
                caKeys.getPrivate(), false, null);
        KeyStore clientStore = store("PKCS12");
        clientStore.setKeyEntry("client", clientKeys.getPrivate(), KEY_PASSWORD.toCharArray(),
                new Certificate[] {client, ca});
        clientP12 = save(clientStore, "client.p12");
        clientKeyPem = Files.writeString(dir.resolve("client-key.pem"), pem("PRIVATE KEY",
                clientKeys.getPrivate().getEncoded()));
        clientChainPem = Files.writeString(dir.resolve("client-chain.pem"),
                pem("CERTIFICATE", client.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
    }

    String caPem() throws IOException {
        return Files.readString(trustPem);
    }

    private SSLContext serverContext(X509Certificate ca, KeyPair caKeys, GeneralName name)
            throws Exception {
        KeyPair keys = ecKeys();
        X509Certificate cert = sign("CN=idp", keys, "CN=Test CA", caKeys.getPrivate(), false,
                name);
        KeyStore ks = store("PKCS12");
        ks.setKeyEntry("server", keys.getPrivate(), KEY_PASSWORD.toCharArray(),
                new Certificate[] {cert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(
                KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, KEY_PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(caTrust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore withCa(String type, X509Certificate ca) throws Exception {
        KeyStore ks = store(type);
        ks.setCertificateEntry("ca", ca);
        return ks;
    }

    private static KeyStore store(String type) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        return ks;
    }

    private Path save(KeyStore ks, String name) throws Exception {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p)) {
            ks.store(out, STORE_PASSWORD.toCharArray());
        }
        return p;
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer,
            PrivateKey issuerKey, boolean isCa, GeneralName san)
            throws IOException, OperatorCreationException, GeneralSecurityException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name(subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (san != null) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
