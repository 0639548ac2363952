package dev.kafkaoauth.login;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler.Prepared;
import dev.kafkaoauth.login.internal.AccessToken;
import dev.kafkaoauth.login.internal.ClientAuthMethod;
import dev.kafkaoauth.login.internal.LoginOptions;
import dev.kafkaoauth.login.internal.TokenEndpointClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The engine of {@link OAuthConnection#test}: configuration, a fresh token request, the
 * token's contents and, when asked, a broker login. Each step is judged on its own; a failed
 * step skips those that need it.
 */
final class ConnectionCheck {

    private static final String HIDDEN = "[hidden]";
    /** JAAS option names holding these words have values that are never shown. */
    private static final List<String> SECRET_WORDS = List.of("secret", "password", "private",
            "assertion", "credential", "key");
    /** Kafka's own login handlers: the 4.x name first, then the 3.x one. */
    static final List<String> KAFKA_HANDLERS = List.of(
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
            "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler");
    /** What TokenParser says, through TokenEndpointClient, of a token expired on arrival. */
    private static final String EXPIRED_MESSAGE = "unusable token: the token expired at";
    static final String ALLOWED_URLS = "org.apache.kafka.sasl.oauthbearer.allowed.urls";

    private ConnectionCheck() {
    }

    static CheckReport run(Map<String, ?> properties, CheckOptions options) {
        List<CheckStep> steps = new ArrayList<>();
        Map<String, Object> configs = new HashMap<>(properties);
        Context c = new Context(configs);
        try {
            configuration(c, options, steps);
        } catch (ConfigException e) {
            steps.add(CheckStep.fail(CheckStep.CONFIGURATION, "The configuration is invalid",
                    e.getMessage(), configRemedy(e, configs)));
            if (c.jaas != null) {
                c.extensions = ExtensionRules.analyse(c.handlerName, c.jaas, null,
                        configs.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
                steps.add(c.extensions);
            }
            return skipRest(steps, options, "configuration");
        }
        LoginOptions o = c.prepared.options();
        c.extensions = ExtensionRules.analyse(c.handlerName, c.jaas, c.prepared.extensions(),
                configs.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        Instant arrival = Instant.now();
        AccessToken token = tokenRequest(o, steps);
        if (token != null) {
            steps.add(TokenAnalysis.analyse(o, token, arrival, c.passed));
            c.token = token;
        } else if (steps.stream().noneMatch(s -> s.name().equals(CheckStep.TOKEN))) {
            steps.add(CheckStep.skipped(CheckStep.TOKEN, "Skipped: the token request step"
                    + " failed"));
        }
        steps.add(c.extensions);
        if (!options.brokerLogin()) {
            steps.add(CheckStep.skipped(CheckStep.BROKER_LOGIN, "Skipped: not requested"));
        } else if (c.configFailed || token == null) {
            steps.add(CheckStep.skipped(CheckStep.BROKER_LOGIN, "Skipped: the "
                    + (c.configFailed ? "configuration" : "token") + " step failed"));
        } else {
            steps.add(brokerLogin(configs, options.brokerTimeout(), c));
        }
        return new CheckReport(steps);
    }

    /** What the steps learn and later steps use. */
    private static final class Context {
        final Map<String, Object> configs;
        String handlerName;
        Map<String, Object> passed;
        Map<String, ?> jaas;
        Prepared prepared;
        boolean configFailed;
        AccessToken token;
        CheckStep extensions;

        Context(Map<String, Object> configs) {
            this.configs = configs;
        }

        boolean kafkaHandler() {
            return handlerName != null && KAFKA_HANDLERS.contains(handlerName);
        }
    }

    private static String configRemedy(ConfigException e, Map<String, Object> configs) {
        String m = String.valueOf(e.getMessage());
        if (m.contains(ALLOWED_URLS)) {
            return "start the JVM with -D" + ALLOWED_URLS + "=" + configs.get(
                    SaslConfigs.SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL) + " added to the URLs it"
                    + " lists (for Kafka's tools: KAFKA_OPTS)";
        }
        if (m.contains(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS)) {
            return "Set " + SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS + " to "
                    + OAuthLoginCallbackHandler.class.getName() + " or "
                    + ExtensionRules.CONFLUENT_HANDLER + " (Kafka's own "
                    + KAFKA_HANDLERS.get(0) + " is read the same way), and put its jar on the"
                    + " class path";
        }
        return "Correct the setting named in the cause";
    }

    private static CheckReport skipRest(List<CheckStep> steps, CheckOptions options,
            String failed) {
        String why = "Skipped: the " + failed + " step failed";
        for (String name : List.of(CheckStep.TOKEN_REQUEST, CheckStep.TOKEN,
                CheckStep.EXTENSIONS)) {
            if (steps.stream().noneMatch(s -> s.name().equals(name))) {
                steps.add(CheckStep.skipped(name, why));
            }
        }
        steps.add(CheckStep.skipped(CheckStep.BROKER_LOGIN,
                options.brokerLogin() ? why : "Skipped: not requested"));
        // token-request and token come before extensions, whatever was added first
        List<String> order = List.of(CheckStep.CONFIGURATION, CheckStep.TOKEN_REQUEST,
                CheckStep.TOKEN, CheckStep.EXTENSIONS, CheckStep.BROKER_LOGIN);
        steps.sort(java.util.Comparator.comparingInt(s -> order.indexOf(s.name())));
        return new CheckReport(steps);
    }

    private static void configuration(Context c, CheckOptions options,
            List<CheckStep> steps) {
        Map<String, Object> configs = c.configs;
        Object mechanism = configs.get(SaslConfigs.SASL_MECHANISM);
        if (mechanism == null) {
            throw new ConfigException(SaslConfigs.SASL_MECHANISM + " is not set: Kafka would"
                    + " use GSSAPI. Set it to OAUTHBEARER");
        }
        String protocol = String.valueOf(configs.getOrDefault(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
        boolean sasl = protocol.trim().toUpperCase(Locale.ROOT).startsWith("SASL_");
        if (!sasl && options.brokerLogin()) {
            throw new ConfigException(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol,
                    "expected SASL_SSL (or SASL_PLAINTEXT for a broker without TLS): with "
                            + protocol + " the client never logs in with a token");
        }
        Object named = configs.get(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS);
        c.handlerName = named instanceof Class ? ((Class<?>) named).getName()
                : named == null ? null : named.toString().trim();
        // Kafka's own handler reads the same options: it is judged as this library reads them.
        OAuthLoginCallbackHandler handler = c.kafkaHandler() ? new OAuthLoginCallbackHandler()
                : ClientConfigs.newHandler(named);
        Map<String, Object> passed = ClientConfigs.asClientPasses(configs);
        c.passed = passed;
        List<AppConfigurationEntry> entries = ClientConfigs.jaasEntries(passed);
        c.jaas = entries.isEmpty() ? Map.of() : entries.get(0).getOptions();
        Prepared p = handler.prepare(passed, mechanism.toString().trim(), entries);
        c.prepared = p;
        LoginOptions o = p.options();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("handler", c.handlerName + (c.kafkaHandler() ? " (Kafka's own; its options"
                + " are read as " + OAuthLoginCallbackHandler.class.getSimpleName()
                + " reads them)" : ""));
        details.put("endpoint", o.endpointForDisplay());
        details.put("clientId", String.valueOf(o.clientId()));
        details.put("clientSecret", o.clientSecret() == null ? "-" : HIDDEN);
        details.put("authMethod", o.authMethod().configName());
        details.put("grant", o.grantType());
        if (o.assertion().present()) {
            details.put("assertion", o.assertion().toString());
        }
        details.put("scope", o.scope() == null ? "-" : o.scope());
        details.put("subClaim", o.subClaimName());
        details.put("jaasOptions", jaasForDisplay(c.jaas));
        details.put("extensions", p.extensions().isEmpty() ? "-"
                : String.join(", ", new TreeSet<>(p.extensions().keySet())));
        List<String> warnings = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        if (!sasl) {
            warnings.add(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + " is " + protocol
                    + ": the client would not log in with a token");
            remedies.add("set " + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + "=SASL_SSL");
        }
        if (!o.ignoredJaasOptions().isEmpty()) {
            warnings.add("JAAS options " + o.ignoredJaasOptions() + " are unknown and ignored");
            remedies.add("check their spelling or remove them");
        }
        if (o.clientSecret() != null && o.clientSecret().hasSurroundingWhitespace()) {
            warnings.add("the client secret starts or ends with white space");
            remedies.add("check the secret for a copy-paste accident");
        }
        String notAllowed = c.kafkaHandler() ? kafkaAllowList(o) : null;
        if (notAllowed != null) {
            c.configFailed = true;
            warnings.add(0, notAllowed);
            remedies.add(0, "start the JVM with -D" + ALLOWED_URLS + "=" + o.location()
                    + " (for Kafka's tools: KAFKA_OPTS), or use "
                    + OAuthLoginCallbackHandler.class.getName());
            steps.add(new CheckStep(CheckStep.CONFIGURATION, CheckStatus.FAIL,
                    "Kafka's own handler will refuse the token endpoint",
                    String.join("; ", warnings), String.join("; ", remedies), details));
        } else if (!warnings.isEmpty()) {
            steps.add(new CheckStep(CheckStep.CONFIGURATION, CheckStatus.WARN,
                    "The configuration is valid, with warnings", String.join("; ", warnings),
                    String.join("; ", remedies), details));
        } else {
            steps.add(CheckStep.pass(CheckStep.CONFIGURATION, "The configuration is valid",
                    details));
        }
    }

    /**
     * Kafka 4.x's own handler refuses a token endpoint that its JVM-wide allow-list does not
     * name (CVE-2025-27817); an unset list allows nothing there. Kafka 3.x allows all.
     */
    private static String kafkaAllowList(LoginOptions o) {
        if (o.isFileEndpoint() || kafkaMajorVersion() < 4) {
            return null;
        }
        String list = System.getProperty(ALLOWED_URLS);
        String url = o.location().toString();
        if (list != null && Arrays.stream(list.split(",")).map(String::trim)
                .anyMatch(url::equals)) {
            return null;
        }
        return "Kafka's own handler (Kafka " + AppInfoParser.getVersion() + ") refuses "
                + o.endpointForDisplay() + ": system property " + ALLOWED_URLS
                + (list == null ? " is not set" : " does not list it");
    }

    private static int kafkaMajorVersion() {
        try {
            return Integer.parseInt(AppInfoParser.getVersion().split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 4; // unknown: assume the newest rules
        }
    }

    /** JAAS options by name; values of secrets, keys and assertions shown as [hidden]. */
    static String jaasForDisplay(Map<String, ?> jaas) {
        Map<String, String> shown = new TreeMap<>();
        jaas.forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            boolean secret = SECRET_WORDS.stream().anyMatch(lower::contains)
                    || String.valueOf(v).contains("@");
            shown.put(k, secret ? HIDDEN : String.valueOf(v));
        });
        return shown.isEmpty() ? "-" : shown.toString();
    }

    /** A token fetched now with a client of its own: never the cached one, never cached. */
    private static AccessToken tokenRequest(LoginOptions o, List<CheckStep> steps) {
        long start = System.nanoTime();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("endpointHost", o.endpointHost());
        details.put("authMethod", o.isFileEndpoint() ? "-" : o.authMethod().configName());
        details.put("grant", o.isFileEndpoint() ? "- (file)" : o.grantType());
        if (o.issuer() != null) {
            details.put("discovery", o.discoveryUrl().toString());
        }
        try {
            AccessToken token = new TokenEndpointClient(o).fetch();
            details.put("httpStatus", o.isFileEndpoint() ? "- (file)" : "200");
            details.put("durationMs", Long.toString(elapsedMs(start)));
            steps.add(CheckStep.pass(CheckStep.TOKEN_REQUEST, "The identity provider issued a"
                    + " token to client " + o.clientId(), details));
            return token;
        } catch (TokenRequestException e) {
            details.put("httpStatus", e.httpStatus() < 0 ? "-" : Integer.toString(
                    e.httpStatus()));
            details.put("durationMs", Long.toString(elapsedMs(start)));
            String m = String.valueOf(e.getMessage());
            if (e.httpStatus() == 200 && m.contains(EXPIRED_MESSAGE)) {
                // The request worked; the token did not: judged in the token step.
                steps.add(CheckStep.pass(CheckStep.TOKEN_REQUEST, "The identity provider"
                        + " answered client " + o.clientId(), details));
                steps.add(new CheckStep(CheckStep.TOKEN, CheckStatus.FAIL, "The token is"
                        + " expired by this host's clock", m, "Synchronise the clocks of this"
                        + " host and the identity provider (NTP); if both are right, the"
                        + " identity provider issues tokens already expired: check its token"
                        + " lifetime settings", Map.of("localClock", Instant.now().toString())));
                return null;
            }
            steps.add(new CheckStep(CheckStep.TOKEN_REQUEST, CheckStatus.FAIL, "No token from "
                    + o.endpointForDisplay(), m, tokenRemedy(e, o), details));
            return null;
        } catch (RuntimeException e) {
            steps.add(CheckStep.fail(CheckStep.TOKEN_REQUEST, "No token from "
                    + o.endpointForDisplay(), e.getClass().getName(),
                    "Check the token endpoint URL and the network path to it"));
            return null;
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The remedy for a failed token request, for the way this client authenticates. */
    static String tokenRemedy(TokenRequestException e, LoginOptions o) {
        String error = e.oauthError() == null ? "" : e.oauthError();
        if (TokenEndpointClient.DiscoveryException.isIn(e)) {
            return "Check the JAAS option issuerUrl: it must be the issuer exactly as the"
                    + " identity provider names it (for Keycloak https://HOST/realms/REALM)";
        }
        boolean credentialError = "invalid_client".equals(error)
                || "unauthorized_client".equals(error);
        if (credentialError && o.authMethod() == ClientAuthMethod.PRIVATE_KEY_JWT) {
            return o.assertion().assertionFile() != null
                    ? "Check that the identity provider trusts the issuer and subject of the"
                            + " assertion in " + o.assertion().assertionFile() + " for client "
                            + o.clientId() + " (a federated credential or workload identity"
                            + " binding)"
                    : "Check that the public key (or certificate or JWKS URL) registered for"
                            + " client " + o.clientId() + " matches the private key file, and"
                            + " that the client allows private_key_jwt (signed JWT)"
                            + " authentication";
        }
        if (credentialError && o.authMethod() == ClientAuthMethod.TLS_CLIENT_AUTH) {
            return "Check that the identity provider is set up for mutual TLS for client "
                    + o.clientId() + " and trusts the certificate in ssl.keystore.*";
        }
        return tokenRemedy(e);
    }

    static String tokenRemedy(TokenRequestException e) {
        String error = e.oauthError() == null ? "" : e.oauthError();
        switch (error) {
            case "invalid_client":
                return "Check the client id and secret (and clientAuthMethod): the identity"
                        + " provider did not accept them";
            case "unauthorized_client":
                // Keycloak answers a wrong secret with this, not with invalid_client.
                return "Check the client id and secret; if they are right, allow the client"
                        + " credentials grant (service account) for this client at the"
                        + " identity provider";
            case "invalid_scope":
                return "Request a scope that the identity provider grants to this client";
            case "invalid_request":
                return "Check the extra request parameters (param_...) and clientAuthMethod";
            default:
                break;
        }
        if (e.httpStatus() == 404 || e.httpStatus() == 405) {
            return "Check the token endpoint URL: the server has no token endpoint there";
        }
        if (e.httpStatus() < 0) {
            return "Check the token endpoint URL, the network path and proxy to it, and that"
                    + " the JVM trusts its TLS certificate";
        }
        return e.isRetriable() ? "The identity provider failed; try again later"
                : "Check the identity provider's answer in the cause";
    }

    private static CheckStep brokerLogin(Map<String, Object> configs, Duration timeout,
            Context c) {
        Object bootstrap = configs.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, "No brokers to log in to",
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + " is not set",
                    "Set " + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + " to host:port of"
                            + " one or more brokers");
        }
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> admin = new HashMap<>(configs);
        admin.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "kafka-oauth-login-check");
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        admin.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("bootstrapServers", bootstrap.toString());
        String summary = "No login to " + bootstrap;
        try (Admin client = Admin.create(admin)) {
            DescribeClusterResult r = client.describeCluster(
                    new DescribeClusterOptions().timeoutMs(ms));
            String clusterId = r.clusterId().get(ms + 5000L, TimeUnit.MILLISECONDS);
            int nodes = r.nodes().get(ms, TimeUnit.MILLISECONDS).size();
            details.put("clusterId", String.valueOf(clusterId));
            details.put("nodes", Integer.toString(nodes));
            return CheckStep.pass(CheckStep.BROKER_LOGIN, "Logged in to cluster " + clusterId,
                    details);
        } catch (ExecutionException e) {
            return brokerFailure(summary, e.getCause(), timeout, c);
        } catch (TimeoutException e) {
            return brokerFailure(summary, new org.apache.kafka.common.errors.TimeoutException(
                    "no answer", e), timeout, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, "interrupted", null);
        } catch (KafkaException e) {
            return brokerFailure(summary, e, timeout, c);
        } catch (LinkageError e) {
            // Kafka's own handler needs jars (jose4j, Jackson) that a slim class path lacks.
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, oneLine(e), "A class the"
                    + " client needs is missing: run with Kafka's own jars on the class path"
                    + " (kafka-run-class.sh), or use " + OAuthLoginCallbackHandler.class
                    .getName());
        }
    }

    private static CheckStep brokerFailure(String summary, Throwable e, Duration timeout,
            Context c) {
        Throwable sasl = find(e, SaslAuthenticationException.class);
        if (sasl != null) {
            String m = oneLine(sasl);
            if (m.toLowerCase(Locale.ROOT).contains("extension")) {
                CheckStep ext = c.extensions;
                return CheckStep.fail(CheckStep.BROKER_LOGIN, "The brokers refused the SASL"
                        + " extensions", m, (ext != null && ext.remedy() != null
                        ? ext.remedy() + "; " : "") + "send the extensions the brokers name in"
                        + " the cause, spelled exactly so (for Confluent Cloud: "
                        + ExtensionRules.LOGICAL_CLUSTER + "=lkc-... and optionally "
                        + ExtensionRules.IDENTITY_POOL_ID + "=pool-...)");
            }
            return CheckStep.fail(CheckStep.BROKER_LOGIN, "The brokers refused the token", m,
                    tokenRefusedRemedy(c));
        }
        Throwable auth = find(e, AuthenticationException.class);
        if (auth instanceof UnsupportedSaslMechanismException) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, oneLine(auth),
                    "This listener does not offer OAUTHBEARER: check the port in"
                            + " bootstrap.servers and the brokers' sasl.enabled.mechanisms");
        }
        if (auth instanceof SslAuthenticationException) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, oneLine(auth),
                    "The TLS handshake with the brokers failed: check that the listener uses"
                            + " TLS (security.protocol=SASL_SSL vs SASL_PLAINTEXT) and that"
                            + " ssl.truststore.* trusts the brokers' certificate");
        }
        if (auth != null) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, oneLine(auth),
                    "Check security.protocol and the TLS trust settings (ssl.*) for the"
                            + " brokers");
        }
        String all = chain(e);
        if (all.contains(ALLOWED_URLS)) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, all, "Start the JVM with -D"
                    + ALLOWED_URLS + "=<token endpoint URL> (for Kafka's tools: KAFKA_OPTS),"
                    + " or use " + OAuthLoginCallbackHandler.class.getName());
        }
        if (find(e, org.apache.kafka.common.errors.TimeoutException.class) != null) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, "No answer from the brokers"
                    + " within " + timeout.toMillis() + " ms",
                    "Check bootstrap.servers, that the brokers are reachable from here (host,"
                            + " port, firewall), and security.protocol: SASL_SSL against a"
                            + " listener without TLS, or SASL_PLAINTEXT against one with TLS,"
                            + " also ends in silence");
        }
        return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, all,
                "Check bootstrap.servers and the client settings named in the cause");
    }

    /** The broker validated the token and said no: name what the token says it is. */
    private static String tokenRefusedRemedy(Context c) {
        StringBuilder b = new StringBuilder("The identity provider issued a token but the"
                + " brokers did not accept it: ");
        AccessToken t = c.token;
        if (t != null && !t.jwt()) {
            return b.append("it is opaque, and brokers that validate with Kafka's JWKS"
                    + " validator accept only JWTs: have the identity provider issue JWTs")
                    .toString();
        }
        Map<String, Object> claims = t == null ? Map.of() : t.claims();
        b.append("compare the token's aud (").append(claims.getOrDefault("aud", "none"))
                .append(") and iss (").append(claims.getOrDefault("iss", "none"))
                .append(") with the brokers' sasl.oauthbearer.expected.audience and"
                        + " sasl.oauthbearer.expected.issuer (request another audience with"
                        + " param_audience=... or scope), check that the brokers'"
                        + " sasl.oauthbearer.jwks.endpoint.url holds the signing key (kid)");
        if (c.prepared != null) {
            String sub = c.prepared.options().subClaimName();
            if (!claims.containsKey(sub)) {
                b.append(", and that the token has the ").append(sub).append(" claim the"
                        + " brokers read");
            }
        }
        return b.append("; for Confluent Cloud, also the identity pool's filter and the"
                + " extensions").toString();
    }

    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(b.length() == 0 ? "" : " <- ").append(oneLine(t));
        }
        return b.toString();
    }

    private static Throwable find(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ");
        return e.getClass().getSimpleName() + m;
    }
}
