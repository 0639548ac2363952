package dev.kafkaoauth.login.examples.keycloak;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link KeycloakServer} per test JVM, started on first use and shared by every test class
 * that uses this extension. JUnit closes it when the whole run ends (it lives in the root
 * context's store, and {@code KeycloakServer} is {@link AutoCloseable}).
 *
 * <pre>{@code
 * @ExtendWith(KeycloakExtension.class)
 * class MyTest {
 *     @BeforeAll
 *     static void setUp(KeycloakServer keycloak) { ... keycloak.tokenEndpointUrl() ... }
 * }
 * }</pre>
 *
 * <p>If the start fails, JUnit's store keeps the failure: later classes fail at once with the
 * same exception instead of waiting for another start.
 */
public final class KeycloakExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KeycloakExtension.class);

    /** The JVM's shared Keycloak, started now if this is the first use. */
    public static KeycloakServer server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                KeycloakServer.class, key -> KeycloakServer.start(), KeycloakServer.class);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        return server(extensionContext);
    }
}
