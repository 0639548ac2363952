package dev.kafkaoauth.login;

import dev.kafkaoauth.login.OAuthLoginCallbackHandler.Prepared;
import dev.kafkaoauth.login.internal.AccessToken;
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
import java.util.Set;
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

/**
 * The engine of {@link OAuthConnection#test}: configuration, a fresh token request, the
 * token's contents and, when asked, a broker login. Each step is judged on its own; a failed
 * step skips those that need it.
 */
final class ConnectionCheck {

    /** A lifetime this short makes clients re-login and fetch very often. */
    private static final Duration SHORT_LIFETIME = Duration.ofSeconds(60);

    private ConnectionCheck() {
    }

    static CheckReport run(Map<String, ?> properties, CheckOptions options) {
        List<CheckStep> steps = new ArrayList<>();
        Map<String, Object> configs = new HashMap<>(properties);
        Prepared prepared;
        try {
            prepared = configuration(configs, options, steps);
        } catch (ConfigException e) {
            steps.add(CheckStep.fail(CheckStep.CONFIGURATION, "The configuration is invalid",
                    e.getMessage(), "Correct the setting named in the cause"));
            return skipRest(steps, options, "configuration");
        }
        AccessToken token = tokenRequest(prepared.options(), steps);
        if (token == null) {
            return skipRest(steps, options, "token request");
        }
        steps.add(token(prepared.options(), token));
        if (options.brokerLogin()) {
            steps.add(brokerLogin(configs, options.brokerTimeout()));
        } else {
            steps.add(CheckStep.skipped(CheckStep.BROKER_LOGIN, "Skipped: not requested"));
        }
        return new CheckReport(steps);
    }

    private static CheckReport skipRest(List<CheckStep> steps, CheckOptions options,
            String failed) {
        String why = "Skipped: the " + failed + " step failed";
        for (String name : List.of(CheckStep.TOKEN_REQUEST, CheckStep.TOKEN)) {
            if (steps.stream().noneMatch(s -> s.name().equals(name))) {
                steps.add(CheckStep.skipped(name, why));
            }
        }
        steps.add(CheckStep.skipped(CheckStep.BROKER_LOGIN,
                options.brokerLogin() ? why : "Skipped: not requested"));
        return new CheckReport(steps);
    }

    private static Prepared configuration(Map<String, Object> configs, CheckOptions options,
            List<CheckStep> steps) {
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
        OAuthLoginCallbackHandler handler = ClientConfigs.newHandler(
                configs.get(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS));
        Map<String, Object> passed = ClientConfigs.asClientPasses(configs);
        Prepared p = handler.prepare(passed, mechanism.toString().trim(),
                ClientConfigs.jaasEntries(passed));
        LoginOptions o = p.options();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("handler", handler.getClass().getName());
        details.put("endpoint", o.endpointForDisplay());
        details.put("clientId", String.valueOf(o.clientId()));
        details.put("scope", o.scope() == null ? "-" : o.scope());
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
        if (!warnings.isEmpty()) {
            steps.add(new CheckStep(CheckStep.CONFIGURATION, CheckStatus.WARN,
                    "The configuration is valid, with warnings", String.join("; ", warnings),
                    String.join("; ", remedies), details));
        } else {
            steps.add(CheckStep.pass(CheckStep.CONFIGURATION, "The configuration is valid",
                    details));
        }
        return p;
    }

    /** A token fetched now with a client of its own: never the cached one, never cached. */
    private static AccessToken tokenRequest(LoginOptions o, List<CheckStep> steps) {
        long start = System.nanoTime();
        try {
            AccessToken token = new TokenEndpointClient(o).fetch();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("endpoint", o.endpointForDisplay());
            details.put("durationMs", Long.toString(ms));
            steps.add(CheckStep.pass(CheckStep.TOKEN_REQUEST, "The identity provider issued a"
                    + " token to client " + o.clientId(), details));
            return token;
        } catch (TokenRequestException e) {
            steps.add(CheckStep.fail(CheckStep.TOKEN_REQUEST, "No token from "
                    + o.endpointForDisplay(), e.getMessage(), tokenRemedy(e)));
            return null;
        } catch (RuntimeException e) {
            steps.add(CheckStep.fail(CheckStep.TOKEN_REQUEST, "No token from "
                    + o.endpointForDisplay(), e.getClass().getName(),
                    "Check the token endpoint URL and the network path to it"));
            return null;
        }
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

    private static CheckStep token(LoginOptions o, AccessToken token) {
        Map<String, String> details = new LinkedHashMap<>();
        Set<String> scopes = token.scopes(o.scopeClaimName());
        details.put("subject", token.subject(o.subClaimName()));
        details.put("type", token.jwt() ? "JWT" : "opaque");
        details.put("expiresAt", token.expiresAt().toString());
        details.put("lifetimeSeconds", Long.toString(token.lifetimeSeconds()));
        details.put("scopes", scopes.isEmpty() ? "-" : String.join(" ", new TreeSet<>(scopes)));
        List<String> warnings = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        if (!token.jwt()) {
            warnings.add("the token is opaque (not a JWT)");
            remedies.add("make sure the brokers accept opaque tokens (most validate JWTs)");
        }
        if (Duration.between(Instant.now(), token.expiresAt()).compareTo(SHORT_LIFETIME) < 0) {
            warnings.add("the token expires in less than " + SHORT_LIFETIME.toSeconds() + " s");
            remedies.add("raise the token lifetime at the identity provider");
        }
        if (o.scope() != null && token.jwt() && !scopes.isEmpty()) {
            List<String> missing = new ArrayList<>(Arrays.asList(o.scope().trim().split("\\s+")));
            missing.removeAll(scopes);
            if (!missing.isEmpty()) {
                warnings.add("scopes requested but not in the token's " + o.scopeClaimName()
                        + " claim: " + String.join(" ", missing));
                remedies.add("grant those scopes to the client, or stop requesting them");
            }
        }
        String summary = "Token for " + details.get("subject") + ", valid for "
                + details.get("lifetimeSeconds") + " s";
        if (warnings.isEmpty()) {
            return CheckStep.pass(CheckStep.TOKEN, summary, details);
        }
        return new CheckStep(CheckStep.TOKEN, CheckStatus.WARN, summary,
                String.join("; ", warnings), String.join("; ", remedies), details);
    }

    private static CheckStep brokerLogin(Map<String, Object> configs, Duration timeout) {
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
            return brokerFailure(summary, e.getCause(), timeout);
        } catch (TimeoutException e) {
            return brokerFailure(summary, new org.apache.kafka.common.errors.TimeoutException(
                    "no answer", e), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, "interrupted", null);
        } catch (KafkaException e) {
            return brokerFailure(summary, e, timeout);
        }
    }

    private static CheckStep brokerFailure(String summary, Throwable e, Duration timeout) {
        Throwable sasl = find(e, SaslAuthenticationException.class);
        if (sasl != null) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, "The brokers refused the login",
                    oneLine(sasl), "The identity provider issued a token but the brokers did"
                            + " not accept it: check the audience and issuer the brokers"
                            + " expect, the SASL extensions (for Confluent Cloud the cluster id"
                            + " logicalCluster and the identity pool id), and the client's"
                            + " access");
        }
        Throwable auth = find(e, AuthenticationException.class);
        if (auth != null) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, oneLine(auth),
                    "Check security.protocol and the TLS trust settings (ssl.*) for the"
                            + " brokers");
        }
        if (find(e, org.apache.kafka.common.errors.TimeoutException.class) != null) {
            return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, "No answer from the brokers"
                    + " within " + timeout.toMillis() + " ms",
                    "Check bootstrap.servers, that the brokers are reachable from here, and"
                            + " security.protocol (SASL_SSL for TLS listeners)");
        }
        return CheckStep.fail(CheckStep.BROKER_LOGIN, summary, oneLine(e),
                "Check bootstrap.servers and the client settings named in the cause");
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
