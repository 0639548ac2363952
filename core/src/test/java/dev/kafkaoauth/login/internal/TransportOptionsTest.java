package dev.kafkaoauth.login.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.kafkaoauth.login.TokenRequestException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and proxy options: configuration errors, credential keys, and a loopback proxy. */
class TransportOptionsTest {

    private static final String ALLOWED_FILES = "org.apache.kafka.sasl.oauthbearer.allowed.files";
    private static final String PROXY_PASSWORD = "proxy-Canary:pw@3";
    private static final List<String> JVM_PROXY_PROPERTIES = List.of("http.proxyHost",
            "http.proxyPort", "http.nonProxyHosts");

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestTlsServer tls;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        tls = new TestTlsServer(pki.serverContext, false);
    }

    @AfterAll
    static void stop() {
        tls.close();
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(ALLOWED_FILES);
    }

    private static LoginOptions parse(String url, String... jaasPairs) {
        Map<String, Object> jaas = new HashMap<>();
        jaas.put("clientId", "app");
        jaas.put("clientSecret", "s");
        jaas.put("loginTimeoutMs", "0");
        for (int i = 0; i < jaasPairs.length; i += 2) {
            jaas.put(jaasPairs[i], jaasPairs[i + 1]);
        }
        return LoginOptions.parse(Map.of("sasl.oauthbearer.token.endpoint.url", url), jaas,
                Set.of());
    }

    private static ConfigException configError(String... jaasPairs) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("https://127.0.0.1:1/token", jaasPairs));
        assertFalse(e.getMessage().contains(TestPki.STORE_PASSWORD), e.getMessage());
        assertFalse(e.getMessage().contains(TestPki.KEY_PASSWORD), e.getMessage());
        assertFalse(e.getMessage().contains(PROXY_PASSWORD), e.getMessage());
        return e;
    }

    private static void assertHas(Exception e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "expected '" + w + "' in: " + e.getMessage());
        }
    }

    @Test
    void parse_missingTrustStore_namesOptionAndPath() {
        assertHas(configError("ssl.truststore.location", dir.resolve("nope.jks").toString()),
                "ssl.truststore.location", "nope.jks", "no such file");
    }

    @Test
    void parse_wrongTrustStorePassword_namesThePasswordOption() {
        assertHas(configError("ssl.truststore.location", pki.trustP12.toString(),
                "ssl.truststore.type", "PKCS12", "ssl.truststore.password", "wrong-pw"),
                "ssl.truststore.password", "does not open");
    }

    @Test
    void parse_wrongKeyPassword_namesTheKeyPasswordOption() {
        assertHas(configError("ssl.keystore.location", pki.clientP12.toString(),
                "ssl.keystore.type", "PKCS12", "ssl.keystore.password", TestPki.STORE_PASSWORD,
                "ssl.key.password", "wrong-pw"), "ssl.key.password", "does not open");
    }

    @Test
    void parse_pemFileAsJks_namesTheTypeOption() {
        assertHas(configError("ssl.truststore.location", pki.trustPem.toString()),
                "ssl.truststore.location", "JKS", "ssl.truststore.type");
    }

    @Test
    void parse_binaryStoreAsPem_saysNoPemCertificate() {
        assertHas(configError("ssl.truststore.location", pki.trustJks.toString(),
                "ssl.truststore.type", "PEM"), "no PEM certificate");
    }

    @Test
    void parse_unknownStoreType_listsTheTypes() {
        assertHas(configError("ssl.truststore.location", pki.trustJks.toString(),
                "ssl.truststore.type", "BKS"), "ssl.truststore.type", "BKS", "JKS, PKCS12 or PEM");
    }

    @Test
    void parse_pkcs1Key_explainsTheConversion() throws IOException {
        assertHas(configError("ssl.keystore.key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----", "ssl.keystore.certificate.chain",
                pki.caPem()), "PKCS#8", "openssl pkcs8");
    }

    @Test
    void parse_badEndpointIdentification_namesIt() {
        assertHas(configError("ssl.endpoint.identification.algorithm", "ldaps"),
                "ssl.endpoint.identification.algorithm", "ldaps", "empty string");
    }

    @Test
    void parse_trustStoreOutsideAllowedFiles_isRefused() {
        System.setProperty(ALLOWED_FILES, dir.resolve("other.jks").toString());
        assertHas(configError("ssl.truststore.location", pki.trustJks.toString(),
                "ssl.truststore.password", TestPki.STORE_PASSWORD),
                "ssl.truststore.location", ALLOWED_FILES);
        System.setProperty(ALLOWED_FILES, " " + pki.trustJks.toAbsolutePath() + " ,/x");
        parse("https://127.0.0.1:1/token", "ssl.truststore.location", pki.trustJks.toString(),
                "ssl.truststore.password", TestPki.STORE_PASSWORD);
    }

    @Test
    void parse_fileEndpointOutsideAllowedFiles_isRefused() throws IOException {
        Path token = Files.writeString(dir.resolve("token.txt"), "x");
        System.setProperty(ALLOWED_FILES, "/somewhere/else");
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(token.toUri().toString()));
        assertHas(e, "sasl.oauthbearer.token.endpoint.url", ALLOWED_FILES);
        System.setProperty(ALLOWED_FILES, token.toAbsolutePath().toString());
        parse(token.toUri().toString());
    }

    @Test
    void credentialKey_differentTrustStoreOrPassword_differs() {
        String url = "https://127.0.0.1:1/token";
        CredentialKey jks = parse(url, "ssl.truststore.location", pki.trustJks.toString(),
                "ssl.truststore.password", TestPki.STORE_PASSWORD).credentialKey();
        assertEquals(jks, parse(url, "ssl.truststore.location", pki.trustJks.toString(),
                "ssl.truststore.password", TestPki.STORE_PASSWORD).credentialKey());
        assertNotEquals(jks, parse(url, "ssl.truststore.location", pki.trustPem.toString(),
                "ssl.truststore.type", "PEM").credentialKey());
        assertNotEquals(jks, parse(url).credentialKey());
        assertNotEquals(parse(url, "proxyUrl", "http://u:a@127.0.0.1:1").credentialKey(),
                parse(url, "proxyUrl", "http://u:b@127.0.0.1:1").credentialKey());
    }

    @Test
    void toString_tlsAndProxy_hidePasswords() {
        LoginOptions o = parse("https://127.0.0.1:1/token", "ssl.truststore.location",
                pki.trustJks.toString(), "ssl.truststore.password", TestPki.STORE_PASSWORD,
                "proxyUrl", "http://user:" + PROXY_PASSWORD.replace("@", "%40")
                        + "@127.0.0.1:3128");
        String s = o + " " + o.credentialKey();
        assertFalse(s.contains("Canary"), s);
        assertTrue(s.contains("ssl.truststore.location"), s);
        assertTrue(s.contains("127.0.0.1:3128"), s);
    }

    @Test
    void parse_proxyUrlNotHttp_hidesUserInfo() {
        assertHas(configError("proxyUrl", "socks://user:" + PROXY_PASSWORD + "@h:1"),
                "proxyUrl", "[hidden]", "http://");
    }

    @Test
    void fetch_httpsThroughProxyWithCredentials_tunnelsWithBasicAuth() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy("user:" + PROXY_PASSWORD)) {
            LoginOptions o = parse(tls.url(), "ssl.truststore.location",
                    pki.trustPem.toString(), "ssl.truststore.type", "PEM", "proxyUrl",
                    "http://user:" + PROXY_PASSWORD.replace(":", "%3A").replace("@", "%40")
                            + "@127.0.0.1:" + proxy.port());
            new TokenEndpointClient(o).fetch();
            assertEquals(List.of("CONNECT 127.0.0.1:" + tls.url().split(":")[2]
                    .replace("/token", "") + " authorized"), proxy.seen);
        }
    }

    @Test
    void fetch_proxyRejectsCredentials_isFinalAndNamesProxyUrl() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy("user:other")) {
            LoginOptions o = parse(tls.url(), "ssl.truststore.location",
                    pki.trustPem.toString(), "ssl.truststore.type", "PEM", "proxyUrl",
                    "http://user:" + PROXY_PASSWORD.replace(":", "%3A").replace("@", "%40")
                            + "@127.0.0.1:" + proxy.port());
            TokenRequestException e = assertThrows(TokenRequestException.class,
                    new TokenEndpointClient(o)::fetch);
            assertFalse(e.isRetriable());
            assertHas(e, "HTTP 407", "proxyUrl", "127.0.0.1:" + proxy.port());
            assertFalse(e.getMessage().contains(PROXY_PASSWORD));
        }
    }

    @Test
    void fetch_hostInProxyExclusions_goesDirect() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(null)) {
            LoginOptions o = parse(tls.url(), "ssl.truststore.location",
                    pki.trustPem.toString(), "ssl.truststore.type", "PEM", "proxyUrl",
                    "http://127.0.0.1:" + proxy.port(), "proxyExclusions",
                    "idp.example, 127.0.0.1");
            new TokenEndpointClient(o).fetch();
            assertEquals(List.of(), proxy.seen);
        }
    }

    @Test
    void fetch_plainHttpThroughProxy_sendsProxyAuthorization() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy("user:" + PROXY_PASSWORD)) {
            LoginOptions o = parse("http://127.0.0.1:9/token", "proxyUrl", "http://user:"
                    + PROXY_PASSWORD.replace(":", "%3A").replace("@", "%40") + "@127.0.0.1:"
                    + proxy.port());
            new TokenEndpointClient(o).fetch();
            assertEquals(List.of("POST http://127.0.0.1:9/token authorized"), proxy.seen);
        }
    }

    @Test
    void fetch_noProxyUrlButJvmProxyProperties_sendsThroughTheJvmProxy() throws Exception {
        WireMockServer idp = new WireMockServer(options().bindAddress("127.0.0.1")
                .dynamicPort());
        idp.start();
        Map<String, String> saved = new HashMap<>();
        try (LoopbackProxy proxy = new LoopbackProxy(null, true)) {
            idp.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200)
                    .withBody(TestTlsServer.TOKEN_JSON)));
            String url = "http://127.0.0.1:" + idp.port() + "/token";
            for (String name : JVM_PROXY_PROPERTIES) {
                saved.put(name, System.getProperty(name));
            }
            System.setProperty("http.proxyHost", "127.0.0.1");
            System.setProperty("http.proxyPort", String.valueOf(proxy.port()));
            // The JDK's default exclusions cover loopback; empty, they cover nothing.
            System.setProperty("http.nonProxyHosts", "");

            AccessToken token = new TokenEndpointClient(parse(url)).fetch();

            assertEquals("tls-opaque-token", token.value());
            assertEquals(List.of("POST " + url), proxy.seen);
            assertEquals(1, idp.getAllServeEvents().size(), "the proxy forwarded it");
            assertTrue(idp.getAllServeEvents().get(0).getRequest().containsHeader(
                    "Authorization"), "the request arrived whole");
        } finally {
            saved.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
            idp.stop();
        }
    }

    /**
     * An HTTP proxy on a loopback port: tunnels CONNECT to loopback targets only, and answers
     * plain proxied requests itself with a token, or forwards them to loopback targets. Checks
     * Basic credentials when given some.
     */
    private static final class LoopbackProxy implements AutoCloseable {
        final List<String> seen = new CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private final String expected;
        private final boolean forward;

        LoopbackProxy(String credentials) throws IOException {
            this(credentials, false);
        }

        /** With {@code forward}, plain requests go on to their (loopback) target. */
        LoopbackProxy(String credentials, boolean forward) throws IOException {
            this.forward = forward;
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            expected = credentials == null ? null : "Basic " + Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
            Thread t = new Thread(this::serve, "loopback-proxy");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> handle(s), "loopback-proxy-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void handle(Socket client) {
            try (client) {
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                String head = readHead(in);
                String[] requestLine = head.split("\r\n")[0].split(" ");
                boolean authorized = expected == null || head.contains(
                        "Proxy-Authorization: " + expected + "\r\n");
                String verdict = expected == null ? "" : authorized ? " authorized" : " refused";
                seen.add(requestLine[0] + " " + requestLine[1] + verdict);
                if (!authorized) {
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
                            + "Proxy-Authenticate: Basic realm=\"p\"\r\n"
                            + "Content-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    return;
                }
                if (requestLine[0].equals("CONNECT")) {
                    String[] hp = requestLine[1].split(":");
                    if (!hp[0].equals("127.0.0.1")) {
                        return; // only loopback targets
                    }
                    try (Socket target = new Socket(InetAddress.getLoopbackAddress(),
                            Integer.parseInt(hp[1]))) {
                        out.write("HTTP/1.1 200 Connection established\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        Thread up = new Thread(() -> pipe(in, target));
                        up.setDaemon(true);
                        up.start();
                        target.getInputStream().transferTo(out);
                    }
                } else if (forward) {
                    forward(head, requestLine, in, out);
                } else {
                    String length = head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1");
                    in.readNBytes(Integer.parseInt(length));
                    byte[] body = TestTlsServer.TOKEN_JSON.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                }
            } catch (IOException | RuntimeException e) {
                // the client went away
            }
        }

        /** Sends a plain proxied request on to its loopback target, the answer back. */
        private static void forward(String head, String[] requestLine, InputStream in,
                OutputStream out) throws IOException {
            URI target = URI.create(requestLine[1]);
            if (!"127.0.0.1".equals(target.getHost())) {
                return; // only loopback targets
            }
            String length = head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1");
            byte[] body = in.readNBytes(Integer.parseInt(length));
            StringBuilder upstream = new StringBuilder(requestLine[0] + " "
                    + target.getRawPath() + " HTTP/1.1\r\n");
            String[] lines = head.split("\r\n");
            for (String header : List.of(lines).subList(1, lines.length)) {
                if (!header.startsWith("Proxy-")
                        && !header.startsWith("Connection:")) {
                    upstream.append(header).append("\r\n");
                }
            }
            upstream.append("Connection: close\r\n\r\n");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), target.getPort())) {
                s.getOutputStream().write(upstream.toString()
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(body);
                s.getInputStream().transferTo(out);
            }
        }

        private static void pipe(InputStream in, Socket target) {
            try {
                in.transferTo(target.getOutputStream());
            } catch (IOException e) {
                // either side closed
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
