package dev.kafkaoauth.login.examples.check;

import dev.kafkaoauth.login.CheckOptions;
import dev.kafkaoauth.login.CheckReport;
import dev.kafkaoauth.login.CheckStatus;
import dev.kafkaoauth.login.CheckStep;
import dev.kafkaoauth.login.OAuthConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code check}: tells in one run why an OAuth login of a Kafka client works or not.
 *
 * <pre>
 * java -jar kafka-oauth-login-examples-VERSION-check.jar client.properties \
 *     [--connect] [--json] [--strict] [--timeout SECONDS]
 * </pre>
 *
 * <p>Reads the properties file as a Kafka client does (config providers included), then
 * reports the steps of {@link OAuthConnection#test(Map, CheckOptions)}, which is the same
 * engine the embedding API uses, so both give the same verdicts. Exit code 0 when nothing
 * failed (1 on a warning with {@code --strict}), 2 on a failure or a usage error.
 */
public final class CheckCommand {

    /** Every step passed, or warned without {@code --strict}. */
    public static final int OK = 0;
    /** A step warned and {@code --strict} was given. */
    public static final int WARNED = 1;
    /** A step failed, or the command line or file could not be used. */
    public static final int FAILED = 2;

    private static final String USAGE = "usage: check CLIENT_PROPERTIES [--connect] [--json]"
            + " [--strict] [--timeout SECONDS]%n"
            + "  --connect   also log in to bootstrap.servers with an admin client%n"
            + "  --json      one JSON object on standard output, for machines%n"
            + "  --strict    exit 1 when a step warns (default: 0)%n"
            + "  --timeout   longest wait for the brokers with --connect (default 15)%n"
            + "exit codes: 0 passed, 1 warned (with --strict), 2 failed%n";

    private CheckCommand() {
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the check.
     *
     * @param args the command line
     * @param out where the report goes
     * @param err where usage errors go
     * @return the exit code: {@link #OK}, {@link #WARNED} or {@link #FAILED}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("check: " + e.getMessage());
            err.printf(USAGE);
            return FAILED;
        }
        if (a == null) {
            out.printf(USAGE);
            return OK;
        }
        Properties props;
        try {
            props = load(a.file);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file"
                    : e.getClass().getSimpleName();
            CheckReport report = new CheckReport(List.of(new CheckStep(CheckStep.CONFIGURATION,
                    CheckStatus.FAIL, "Cannot read " + a.file, why, "Give the path of the"
                    + " client's properties file, as passed to a Kafka tool with"
                    + " --command-config", Map.of())));
            print(report, a, out);
            return FAILED;
        }
        Map<String, Object> configs = new HashMap<>();
        props.stringPropertyNames().forEach(name -> configs.put(name, props.getProperty(name)));
        CheckOptions options = a.connect ? CheckOptions.withBrokerLogin(a.timeout)
                : CheckOptions.tokenOnly();
        CheckReport report = OAuthConnection.test(configs, options);
        return print(report, a, out);
    }

    private static int print(CheckReport report, Arguments a, PrintStream out) {
        int code = exitCode(report.verdict(), a.strict);
        out.print(a.json ? ReportFormat.json(report, a.file.toString(), code)
                : ReportFormat.text(report, a.file.toString(), code, a.strict));
        out.flush();
        return code;
    }

    static int exitCode(CheckStatus verdict, boolean strict) {
        switch (verdict) {
            case FAIL:
                return FAILED;
            case WARN:
                return strict ? WARNED : OK;
            default:
                return OK;
        }
    }

    /** As Kafka's tools read {@code --command-config}: java.util.Properties. */
    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    /**
     * Run from {@code java -jar}, the jar's slf4j-simple would log kafka-clients' start-up
     * chatter among the report: errors only, on standard error, unless the user asks for more
     * with the same system property. Under kafka-run-class.sh, Kafka's own logging applies.
     */
    private static void quietLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }

    /** The command line, read. */
    private static final class Arguments {
        Path file;
        boolean connect;
        boolean json;
        boolean strict;
        Duration timeout = CheckOptions.DEFAULT_BROKER_TIMEOUT;

        /** Null when help was asked for. */
        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            List<String> files = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h":
                    case "--help":
                        return null;
                    case "--connect":
                        a.connect = true;
                        break;
                    case "--json":
                        a.json = true;
                        break;
                    case "--strict":
                        a.strict = true;
                        break;
                    case "--timeout":
                        if (i + 1 == args.length) {
                            throw new IllegalArgumentException("--timeout needs a number of"
                                    + " seconds");
                        }
                        a.timeout = seconds(args[++i]);
                        break;
                    default:
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        files.add(arg);
                }
            }
            if (files.size() != 1) {
                throw new IllegalArgumentException(files.isEmpty()
                        ? "give the client's properties file" : "give one properties file, not "
                        + files.size());
            }
            a.file = Paths.get(files.get(0));
            return a;
        }

        private static Duration seconds(String text) {
            try {
                long s = Long.parseLong(text.trim());
                if (s > 0) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--timeout " + text + ": expected a positive"
                    + " number of seconds, such as 15");
        }
    }
}
