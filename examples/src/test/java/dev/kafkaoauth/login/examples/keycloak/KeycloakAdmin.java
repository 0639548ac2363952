package dev.kafkaoauth.login.examples.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keycloak's admin REST API, as the master realm's bootstrap administrator: registers the
 * realm's service-account clients at test time. Each call gets a fresh admin token (the master
 * realm's tokens live one minute), so a long test cannot outlive its token.
 */
public final class KeycloakAdmin {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final KeycloakServer keycloak;

    public KeycloakAdmin(KeycloakServer keycloak) {
        this.keycloak = keycloak;
    }

    /**
     * A confidential client with a service account, the realm's optional scope {@code kafka}
     * and an audience mapper for {@link KeycloakServer#AUDIENCE}, as the realm's own clients.
     *
     * @param authenticator Keycloak's client authenticator: {@code client-jwt} is
     *     private_key_jwt, {@code client-secret} a secret
     * @param attributes client attributes (keys, JWKS URL, signing algorithm, lifespans)
     * @return the client's internal id
     */
    public String createServiceAccountClient(String clientId, String authenticator,
            Map<String, String> attributes) throws IOException, InterruptedException {
        Map<String, Object> mapperConfig = new LinkedHashMap<>();
        mapperConfig.put("included.custom.audience", KeycloakServer.AUDIENCE);
        mapperConfig.put("access.token.claim", "true");
        mapperConfig.put("id.token.claim", "false");
        mapperConfig.put("introspection.token.claim", "true");
        Map<String, Object> mapper = new LinkedHashMap<>();
        mapper.put("name", "kafka-broker-audience");
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-audience-mapper");
        mapper.put("config", mapperConfig);
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("clientId", clientId);
        rep.put("enabled", true);
        rep.put("protocol", "openid-connect");
        rep.put("publicClient", false);
        rep.put("clientAuthenticatorType", authenticator);
        rep.put("serviceAccountsEnabled", true);
        rep.put("standardFlowEnabled", false);
        rep.put("implicitFlowEnabled", false);
        rep.put("directAccessGrantsEnabled", false);
        rep.put("optionalClientScopes", List.of(KeycloakServer.SCOPE));
        rep.put("attributes", new LinkedHashMap<>(attributes));
        rep.put("protocolMappers", List.of(mapper));
        HttpResponse<String> response = send("POST", "/clients", json(rep));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Keycloak refused client " + clientId + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** The internal id of the realm's client with this client id. */
    public String internalId(String clientId) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/clients?clientId="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8), null);
        expect(200, response);
        List<?> clients = (List<?>) TestJson.parse(response.body());
        if (clients.size() != 1) {
            throw new IllegalStateException("No single client " + clientId + ": " + clients);
        }
        return (String) ((Map<?, ?>) clients.get(0)).get("id");
    }

    /** The id of the client's service-account user: the {@code sub} of its tokens. */
    public String serviceAccountUserId(String internalId) throws IOException,
            InterruptedException {
        HttpResponse<String> response = send("GET",
                "/clients/" + internalId + "/service-account-user", null);
        expect(200, response);
        return (String) TestJson.parseObject(response.body()).get("id");
    }

    /** Replaces some attributes of a client (the rest of its representation is kept). */
    public void updateAttributes(String internalId, Map<String, String> attributes)
            throws IOException, InterruptedException {
        HttpResponse<String> current = send("GET", "/clients/" + internalId, null);
        expect(200, current);
        Map<String, Object> rep = TestJson.parseObject(current.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> attrs = (Map<String, Object>) rep.computeIfAbsent("attributes",
                k -> new LinkedHashMap<>());
        attrs.putAll(attributes);
        expect(204, send("PUT", "/clients/" + internalId, json(rep)));
    }

    public void deleteClient(String internalId) throws IOException, InterruptedException {
        HttpResponse<String> response = send("DELETE", "/clients/" + internalId, null);
        if (response.statusCode() != 204 && response.statusCode() != 404) {
            expect(204, response);
        }
    }

    private HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keycloak.baseUrl()
                        + "/admin/realms/" + KeycloakServer.REALM + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String adminToken() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli&username="
                + URLEncoder.encode(KeycloakServer.ADMIN_USER, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(KeycloakServer.ADMIN_PASSWORD,
                        StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(keycloak.adminTokenEndpointUrl()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            // The body of a refused password grant holds no credential.
            throw new IllegalStateException("No admin token: HTTP " + response.statusCode()
                    + " " + response.body());
        }
        return (String) TestJson.parseObject(response.body()).get("access_token");
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " "
                    + response.request().uri() + ": HTTP " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** JSON text of maps, lists, strings, numbers, booleans and null. */
    static String json(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value) {
        if (value == null || value instanceof Boolean || value instanceof Number) {
            sb.append(value);
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                write(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
                sb.append(it.hasNext() ? "," : "");
            }
            sb.append('}');
        } else if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(json(item)));
            sb.append('[').append(String.join(",", items)).append(']');
        } else {
            sb.append('"');
            for (char c : value.toString().toCharArray()) {
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }
    }
}
