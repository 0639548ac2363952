package dev.kafkaoauth.login.confluent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkaoauth.login.ConnectionValidationException;
import dev.kafkaoauth.login.FieldProblem;
import dev.kafkaoauth.login.OAuthConnection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfluentCloudConnectionTest {

    private static ConfluentCloudConnection.Builder valid() {
        return ConfluentCloudConnection.builder()
                .tokenEndpointUrl("https://idp.example.com/oauth2/token")
                .clientId("app").clientSecret("se\"cr;et").scope("kafka");
    }

    private static List<String> fields(List<FieldProblem> problems) {
        return problems.stream().map(FieldProblem::field).collect(Collectors.toList());
    }

    @Test
    void builder_everyInheritedSetter_returnsTheConfluentBuilder() {
        // Setters added to the core builder chain into the Confluent ones without overrides.
        OAuthConnection c = ConfluentCloudConnection.builder()
                .issuerUrl("https://idp.example.com/realms/kafka").clientId("app")
                .clientSecret("s").clientAssertionFile(null).logicalCluster("lkc-abc123")
                .build();
        assertTrue(c.jaasConfig().value().contains("logicalCluster=\"lkc-abc123\""));
        assertTrue(c.jaasConfig().value().contains("issuerUrl="));
    }

    @Test
    void toKafkaProperties_clusterAndPool_namesConfluentHandlerAndOptions() {
        OAuthConnection c = valid().logicalCluster("lkc-abc123").identityPoolId("pool-AbCd")
                .build();
        Map<String, Object> p = c.toKafkaProperties();

        assertEquals(ConfluentCloudLoginCallbackHandler.class.getName(),
                p.get("sasl.login.callback.handler.class"));
        String jaas = (String) p.get("sasl.jaas.config");
        assertTrue(jaas.contains(" logicalCluster=\"lkc-abc123\""), jaas);
        assertTrue(jaas.contains(" identityPoolId=\"pool-AbCd\""), jaas);
        assertTrue(c.toString().contains("logicalCluster=lkc-abc123"), c.toString());
    }

    @Test
    void build_noClusterId_reportsLogicalCluster() {
        ConnectionValidationException e = assertThrows(ConnectionValidationException.class,
                () -> valid().build());

        assertEquals(List.of("logicalCluster"), fields(e.problems()));
    }

    @Test
    void validate_badClusterPoolAndEndpoint_reportsEachField() {
        List<FieldProblem> problems = ConfluentCloudConnection.builder()
                .tokenEndpointUrl("not a url").clientId("app").clientSecret("s")
                .logicalCluster("cluster-1").identityPoolId("pool 1").validate();

        assertEquals(List.of("tokenEndpointUrl", "logicalCluster", "identityPoolId"),
                fields(problems), problems.toString());
    }

    @Test
    void validate_extensionDisagreesWithField_reportsLogicalCluster() {
        List<FieldProblem> problems = valid().logicalCluster("lkc-one")
                .extension("logicalCluster", "lkc-two").validate();

        assertEquals("logicalCluster", problems.get(0).field(), problems.toString());
    }
}
