package dev.kafkaoauth.login.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EmbeddedOAuthServerTest {

    @Test
    void tokenRequest_lifetimeAudienceAndClaimsSet_tokenCarriesThemAndIsCounted()
            throws Exception {
        try (EmbeddedOAuthServer idp = EmbeddedOAuthServer.start()) {
            idp.tokenLifetimeSeconds(120).audience("aud-1").claims(Map.of("scope", "s1 s2"));
            assertTrue(idp.tokenEndpointUrl().startsWith("http://localhost:" + idp.port() + "/"));

            String body = requestToken(idp.tokenEndpointUrl()).replaceAll("\\s", "");

            long expiresIn = Long.parseLong(field(body, "expires_in"));
            assertTrue(expiresIn > 100 && expiresIn <= 120, "expires_in " + expiresIn);
            String payload = new String(Base64.getUrlDecoder().decode(
                    field(body, "access_token").split("\\.")[1]), StandardCharsets.UTF_8);
            assertEquals("client-1", field(payload, "sub"));
            assertEquals("aud-1", field(payload, "aud"));
            assertEquals("s1 s2", field(payload, "scope"));
            assertEquals(idp.issuerUrl(), field(payload, "iss"));
            assertEquals(120, Long.parseLong(field(payload, "exp"))
                    - Long.parseLong(field(payload, "iat")));
            assertEquals(1, idp.tokenRequestCount());
        }
    }

    private static String requestToken(String url) throws Exception {
        String basic = Base64.getEncoder().encodeToString(
                "client-1:secret".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<String> response = HttpClient.newBuilder().build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** A string or number member of a flat JSON object without white space. */
    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertTrue(matcher.find(), "no " + name);
        return matcher.group(1);
    }
}
