package dev.kafkaoauth.login.examples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * A token endpoint on 127.0.0.1 that answers every request with the response it was last
 * given: for tokens no real identity provider of the tests issues (opaque, without
 * {@code sub}, already expired).
 */
final class StubTokenEndpoint implements AutoCloseable {

    private static final RSAKey KEY = newKey();

    private final HttpServer server;
    private volatile String body = "{}";

    private StubTokenEndpoint(HttpServer server) {
        this.server = server;
    }

    static StubTokenEndpoint start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                0), 0);
        StubTokenEndpoint stub = new StubTokenEndpoint(s);
        s.createContext("/token", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] out = stub.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        s.start();
        return stub;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** Answers with this access token and {@code expires_in}. */
    StubTokenEndpoint token(String accessToken, long expiresInSeconds) {
        body = "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\","
                + "\"expires_in\":" + expiresInSeconds + "}";
        return this;
    }

    /** A signed JWT with these claims; {@code iat} now unless given. */
    static String jwt(Map<String, Object> claims, Instant exp) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer("https://stub.example/")
                .audience("kafka").issueTime(new Date()).expirationTime(Date.from(exp));
        claims.forEach(b::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(KEY.getKeyID()).type(JOSEObjectType.JWT).build(), b.build());
        try {
            jwt.sign(new RSASSASigner(KEY));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("stub-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
