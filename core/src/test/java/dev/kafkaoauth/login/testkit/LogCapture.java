package dev.kafkaoauth.login.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.LoggerFactory;

/**
 * Everything a test's code writes while open: SLF4J (slf4j-simple writing to
 * {@code System.err}), {@code System.out} and {@code System.err} themselves, and JUL at every
 * level, which is also where {@code System.Logger} (Caffeine, the JDK's HTTP code) ends up
 * when no other provider is installed. Puts everything back on close.
 *
 * <p>Only Surefire's {@code trace-logs} execution (core/pom.xml) runs our loggers at TRACE
 * with slf4j-simple on {@code System.err}; it sets {@link #PROPERTY}. Test classes named
 * {@code *LogTest} and {@code *LeakTest} run there. Elsewhere (such as the default execution
 * when {@code -Dtest=} names the class) {@link #open()} skips the test.
 */
public final class LogCapture implements AutoCloseable {

    /** Set by the trace-logs execution. */
    public static final String PROPERTY = "kafkaoauth.test.traceLogs";
    /**
     * At FINE the JDK's HttpURLConnection logs every request header, our Basic Authorization
     * header included, which the library cannot stop while it sends with HttpURLConnection.
     * Its records are kept apart so that the rest can be scanned for that credential too.
     */
    public static final String JDK_HTTP_LOGGER = "sun.net.www.protocol.http.HttpURLConnection";

    private final PrintStream previousOut = System.out;
    private final PrintStream previousErr = System.err;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
    private final Level previousLevel = root.getLevel();
    private final StringBuffer jul = new StringBuffer();
    private final StringBuffer jdkHttp = new StringBuffer();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            // SimpleFormatter fills in the parameters and appends the thrown stack trace.
            StringBuffer into = JDK_HTTP_LOGGER.equals(r.getLoggerName()) ? jdkHttp : jul;
            into.append(r.getLoggerName()).append(' ').append(formatter.format(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        PrintStream both = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        handler.setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    /** Starts capturing; skips the test outside the trace-logs execution. */
    public static LogCapture open() {
        assumeTraceLogs();
        return new LogCapture();
    }

    /** Skips the test (or a class, from {@code @BeforeAll}) outside the trace-logs execution. */
    public static void assumeTraceLogs() {
        Assumptions.assumeTrue(Boolean.getBoolean(PROPERTY),
                "runs in Surefire's trace-logs execution only (core/pom.xml)");
        Assertions.assertTrue(LoggerFactory.getLogger("dev.kafkaoauth.login").isTraceEnabled(),
                "the trace-logs execution must run dev.kafkaoauth at TRACE");
    }

    /** SLF4J and everything printed, in order. */
    public String printed() {
        synchronized (printed) {
            return printed.toString(StandardCharsets.UTF_8);
        }
    }

    /** JUL and System.Logger records, but the JDK's HTTP header log. */
    public String jul() {
        return jul.toString();
    }

    /** The JDK's HTTP header log. */
    public String jdkHttp() {
        return jdkHttp.toString();
    }

    /** Every captured text. */
    public String all() {
        return printed() + jul() + jdkHttp();
    }

    /**
     * The lines slf4j-simple wrote at a level for a logger ({@code [thread] LEVEL name - text}).
     */
    public List<String> lines(String level, Class<?> logger) {
        String marker = " " + level + " " + logger.getName() + " - ";
        return printed().lines().filter(l -> l.contains(marker)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        System.setOut(previousOut);
        System.setErr(previousErr);
        root.removeHandler(handler);
        root.setLevel(previousLevel);
    }
}
