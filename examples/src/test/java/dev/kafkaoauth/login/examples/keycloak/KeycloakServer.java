package dev.kafkaoauth.login.examples.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Keycloak ({@code kc.sh start-dev}) on 127.0.0.1 and a free port, with the realm
 * {@value #REALM} imported from the test resource {@code keycloak/kafka-realm.json}.
 *
 * <p>The distribution is the one Maven unpacks into {@code target/keycloak}; its path comes from
 * the system property {@code keycloak.home} (set by Surefire). Health and metrics are off, so no
 * management port is opened. Keycloak's output goes to {@code target/keycloak-PORT.log}.
 *
 * <p>Each server runs on its own copy of a seed database under {@code target/keycloak-db/}: the
 * H2 database of a Keycloak that imported this realm into this distribution and was stopped at
 * once. The first start after {@code mvn clean} (or after the realm JSON changed) makes that
 * seed with one extra start; later starts skip schema creation, master realm set-up and the
 * import (about 10 s), and what a test changes through the admin API dies with its copy.
 *
 * <p>Keycloak is started through a small shell watchdog that holds the read end of a pipe from
 * this JVM: if this JVM dies without calling {@link #close()}, the pipe closes and the watchdog
 * stops Keycloak. Use one instance per test JVM through {@link KeycloakExtension}.
 */
public final class KeycloakServer implements AutoCloseable {

    /** The realm; the issuer is {@code http://127.0.0.1:PORT/realms/kafka}. */
    public static final String REALM = "kafka";
    /** The {@code aud} of every access token of the realm's clients (an audience mapper). */
    public static final String AUDIENCE = "kafka-broker";
    /** An optional client scope of every service-account client: {@code scope=kafka} works. */
    public static final String SCOPE = "kafka";
    /** The realm's access-token lifetime unless {@link #start(Duration)} says otherwise. */
    public static final Duration DEFAULT_TOKEN_LIFESPAN = Duration.ofSeconds(300);

    /** Confidential client with a service account (client credentials grant). */
    public static final String CLIENT_ID = "kafka-client";
    public static final String CLIENT_SECRET = "kafka-client-secret";
    /** Like {@link #CLIENT_ID}, with a secret that needs form-url-encoding in a Basic header. */
    public static final String SPECIAL_CLIENT_ID = "kafka-special";
    public static final String SPECIAL_CLIENT_SECRET = "s+p/e:c%ial";
    /** Like {@link #CLIENT_ID}, with client attribute {@code access.token.lifespan} = 20 s. */
    public static final String SHORT_CLIENT_ID = "kafka-short";
    public static final String SHORT_CLIENT_SECRET = "kafka-short-secret";
    public static final Duration SHORT_TOKEN_LIFESPAN = Duration.ofSeconds(20);
    /** Confidential client without a service account: client credentials are refused. */
    public static final String NO_SERVICE_ACCOUNT_CLIENT_ID = "kafka-no-service-account";
    public static final String NO_SERVICE_ACCOUNT_CLIENT_SECRET = "kafka-no-service-account-secret";

    /** The master realm's bootstrap administrator (admin-cli, password grant). */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin-password";

    /** System property naming the unpacked distribution, {@code .../keycloak-26.7.3}. */
    public static final String HOME_PROPERTY = "keycloak.home";

    private static final String REALM_RESOURCE = "/keycloak/kafka-realm.json";
    private static final Pattern LIFESPAN = Pattern.compile("\"accessTokenLifespan\"\\s*:\\s*\\d+");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 60;
    private static final int START_ATTEMPTS = 3;
    /**
     * Replaces kc.sh's default JAVA_OPTS (G1, -Xmx512m): a serial collector and the C1 compiler
     * only start faster on a small machine and need less memory; kc.sh still adds its
     * --add-opens and locale options. The system property {@code keycloak.javaOpts} overrides it.
     */
    private static final String JAVA_OPTS = String.join(" ",
            "-Xms64m", "-Xmx384m", "-XX:MetaspaceSize=96m", "-XX:MaxMetaspaceSize=256m",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.security.egd=file:/dev/urandom", "-Dfile.encoding=UTF-8",
            "-Dsun.stdout.encoding=UTF-8", "-Dsun.err.encoding=UTF-8");
    /**
     * Runs kc.sh in the background and stops it (SIGTERM, which kc.sh forwards to its Java) when
     * its standard input, a pipe from this JVM, reaches end of file.
     */
    private static final String WATCHDOG = String.join("\n",
            // An asynchronous list's stdin is /dev/null unless redirected: keep the pipe in fd 3.
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "kc=$!",
            "( cat <&3 >/dev/null; kill -TERM \"$kc\" 2>/dev/null ) &",
            "exec 3<&-",
            "wait \"$kc\"");

    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Object START_LOCK = new Object();

    private final Path home;
    private final int port;
    private final Path logFile;
    private final Process process;
    private final Thread shutdownHook;
    private final Database database;
    private volatile Duration startupTime;
    private volatile boolean reaugmented;
    private volatile boolean seedCreated;
    private volatile boolean closed;

    private KeycloakServer(Path home, int port, Path logFile, Process process,
            Database database) {
        this.home = home;
        this.port = port;
        this.logFile = logFile;
        this.process = process;
        this.database = database;
        this.shutdownHook = new Thread(() -> close(false), "keycloak-fixture-stop");
    }

    /** Starts Keycloak with the realm's default token lifetime (300 s) and waits until ready. */
    public static KeycloakServer start() {
        return start(DEFAULT_TOKEN_LIFESPAN);
    }

    /**
     * Starts Keycloak with the realm's {@code accessTokenLifespan} set to the given value (whole
     * seconds) and waits until the realm's discovery document answers.
     *
     * @throws IllegalStateException if Keycloak does not start within 120 s; the message holds
     *     the tail of its log
     */
    public static KeycloakServer start(Duration accessTokenLifespan) {
        Path home = home();
        String realmJson = realmJson(accessTokenLifespan);
        // One start at a time per distribution, across JVMs too: the import directory is shared,
        // and a start may rebuild (re-augment) the distribution's lib/quarkus in place.
        synchronized (START_LOCK) {
            Path lockPath = home.resolve("data/.fixture-start.lock");
            try (FileChannel lockFile = FileChannel.open(
                    Files.createDirectories(lockPath.getParent()).resolve(lockPath.getFileName()),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = lockFile.lock();
                try {
                    return startLocked(home, realmJson);
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot prepare Keycloak in " + home, e);
            }
        }
    }

    private static KeycloakServer startLocked(Path home, String realmJson) throws IOException {
        long started = System.nanoTime();
        writeRealm(home, realmJson);
        Path seed = logDir().resolve("keycloak-db").resolve("seed-" + digest(home + realmJson));
        boolean reaugmented = false;
        boolean seedCreated = false;
        if (!Database.isSeed(seed)) {
            // Import the realm into an empty database, stop, and keep that database as the seed.
            KeycloakServer seeding = startWithRetries(home, seed, false);
            reaugmented = seeding.reaugmented;
            seeding.close(true);
            seedCreated = true;
        }
        KeycloakServer server;
        try {
            server = startWithRetries(home, seed, true);
        } catch (IllegalStateException e) {
            // Import the realm afresh; if that works, the seed was the problem: drop it.
            try {
                server = startWithRetries(home, seed, false);
            } catch (RuntimeException again) {
                again.addSuppressed(e);
                throw again;
            }
            deleteTree(seed);
        }
        server.reaugmented |= reaugmented;
        server.seedCreated = seedCreated;
        server.startupTime = Duration.ofNanos(System.nanoTime() - started);
        STARTS.incrementAndGet();
        return server;
    }

    private static KeycloakServer startWithRetries(Path home, Path seed, boolean fromSeed)
            throws IOException {
        PortTakenException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Database database = fromSeed ? Database.copyOf(seed) : Database.empty(seed);
            try {
                return startOnce(home, database);
            } catch (PortTakenException e) {
                // Another process took the free port between our probe and Keycloak.
                failure = e;
                database.delete();
            } catch (RuntimeException | Error e) {
                database.delete();
                throw e;
            }
        }
        throw failure;
    }

    /** How many times {@link #start} has succeeded in this JVM (seeding runs not counted). */
    public static int startCount() {
        return STARTS.get();
    }

    /** The realm JSON with the given access-token lifetime; the file in data/import holds it. */
    static String realmJson(Duration accessTokenLifespan) {
        long seconds = accessTokenLifespan.toSeconds();
        if (seconds < 1 || accessTokenLifespan.toNanosPart() != 0) {
            throw new IllegalArgumentException(
                    "accessTokenLifespan must be a positive number of whole seconds: "
                            + accessTokenLifespan);
        }
        String template;
        try (InputStream in = KeycloakServer.class.getResourceAsStream(REALM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing test resource " + REALM_RESOURCE);
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher matcher = LIFESPAN.matcher(template);
        if (!matcher.find()) {
            throw new IllegalStateException(REALM_RESOURCE + " has no accessTokenLifespan");
        }
        return matcher.replaceFirst("\"accessTokenLifespan\": " + seconds);
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:PORT/realms/kafka}: the {@code iss} of the realm's tokens. */
    public String issuerUrl() {
        return baseUrl() + "/realms/" + REALM;
    }

    public String discoveryUrl() {
        return issuerUrl() + "/.well-known/openid-configuration";
    }

    public String tokenEndpointUrl() {
        return issuerUrl() + "/protocol/openid-connect/token";
    }

    public String jwksUrl() {
        return issuerUrl() + "/protocol/openid-connect/certs";
    }

    /** The master realm's token endpoint, for {@link #ADMIN_USER} with client admin-cli. */
    public String adminTokenEndpointUrl() {
        return baseUrl() + "/realms/master/protocol/openid-connect/token";
    }

    /** {@code target/keycloak-PORT.log}: Keycloak's standard output and error. */
    public Path logFile() {
        return logFile;
    }

    /** How long {@link #start} took, seed creation and re-augmentation included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Whether this start rebuilt the distribution first (the first start does, ~25 s). */
    public boolean reaugmented() {
        return reaugmented;
    }

    /** Whether this start had to make the seed database first (one extra start). */
    public boolean seedCreated() {
        return seedCreated;
    }

    /** Peak resident set size (VmHWM) of Keycloak's processes in KiB so far; 0 off Linux. */
    public long peakRssKib() {
        return process.descendants().mapToLong(KeycloakServer::peakRssKib).sum();
    }

    /** Stops Keycloak and every process kc.sh started, and waits until they are gone. */
    @Override
    public void close() {
        close(false);
    }

    private synchronized void close(boolean keepAsSeed) {
        if (closed) {
            return;
        }
        closed = true;
        String summary = String.format("%n[fixture] %s, peak RSS %d MiB%n",
                startupTime == null ? "stopped (seeding run or failed start)"
                        : String.format("start() took %d ms (re-augmented: %s, seed created: %s)",
                                startupTime.toMillis(), reaugmented, seedCreated),
                peakRssKib() / 1024);
        stopTree(process);
        appendToLog(logFile, summary);
        if (keepAsSeed && readLog(logFile).contains("Keycloak stopped in")) {
            database.publishAsSeed();
        } else {
            database.delete();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook has run or will find the processes gone.
        }
    }

    @Override
    public String toString() {
        return "KeycloakServer[" + issuerUrl() + ", home=" + home + "]";
    }

    private static KeycloakServer startOnce(Path home, Database database) throws IOException {
        int port = freePort();
        Path logFile = logDir().resolve("keycloak-" + port + ".log");
        Files.createDirectories(logFile.getParent());
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG,
                "keycloak-watchdog", "/bin/sh", home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--import-realm",
                "--db=dev-file",
                "--db-url=jdbc:h2:file:" + database.url(),
                "--health-enabled=false",
                "--metrics-enabled=false"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("JAVA_OPTS", System.getProperty("keycloak.javaOpts", JAVA_OPTS));
        env.remove("JAVA_OPTS_APPEND");
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("KC_DB");
        env.remove("KC_HOSTNAME");
        Process process = builder.start();
        KeycloakServer server = new KeycloakServer(home, port, logFile, process, database);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            awaitReady(process, port, logFile);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        server.reaugmented = readLog(logFile).contains("Updating the configuration");
        return server;
    }

    private static void awaitReady(Process process, int port, Path logFile) {
        String discovery = "http://127.0.0.1:" + port + "/realms/" + REALM
                + "/.well-known/openid-configuration";
        String expectedIssuer = "\"issuer\":\"http://127.0.0.1:" + port + "/realms/" + REALM + "\"";
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(1))
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(discovery))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String tail = tail(logFile);
                if (tail.contains("seems to be in use")
                        || tail.contains("Address already in use")) {
                    throw new PortTakenException(port, tail);
                }
                throw new IllegalStateException("Keycloak exited with status " + process.exitValue()
                        + " before it was ready; log " + logFile + " ends with:\n" + tail);
            }
            try {
                HttpResponse<String> response =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    if (!response.body().replace(" ", "").contains(expectedIssuer)) {
                        throw new IllegalStateException("Unexpected discovery document at "
                                + discovery + ": " + response.body());
                    }
                    return;
                }
            } catch (IOException e) {
                // Not listening yet: try again below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while Keycloak was starting", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Keycloak did not answer " + discovery + " within "
                        + START_TIMEOUT.toSeconds() + " s; log " + logFile + " ends with:\n"
                        + tail(logFile));
            }
            sleep(Duration.ofMillis(250));
        }
    }

    /** SIGTERM to every process of the tree, SIGKILL to those alive after 30 s; then waits. */
    private static void stopTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.close();
        } catch (IOException e) {
            // The watchdog is gone already; the signals below still reach the rest.
            tree.forEach(ProcessHandle::destroy);
        }
        // The Java process and kc.sh first; the watchdog shell exits once they have.
        tree.stream().filter(p -> p.pid() != process.pid()).forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            if (!awaitExit(handle, Math.max(left, 0))) {
                handle.destroyForcibly();
            }
        }
        process.destroyForcibly();
        for (ProcessHandle handle : tree) {
            if (!awaitExit(handle, TimeUnit.SECONDS.toNanos(10))) {
                throw new IllegalStateException(
                        "Keycloak process " + handle.pid() + " is still alive after SIGKILL");
            }
        }
    }

    private static boolean awaitExit(ProcessHandle handle, long nanos) {
        try {
            handle.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private static long peakRssKib(ProcessHandle handle) {
        Path status = Path.of("/proc", Long.toString(handle.pid()), "status");
        try (Stream<String> lines = Files.lines(status)) {
            return lines.filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElse(0);
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static Path home() {
        String property = System.getProperty(HOME_PROPERTY);
        Optional<Path> home = Optional.ofNullable(property).map(Path::of);
        if (home.isEmpty()) {
            // Run from an IDE: look where Maven unpacks the distribution.
            Path unpacked = Path.of("target", "keycloak");
            if (Files.isDirectory(unpacked)) {
                try (Stream<Path> dirs = Files.list(unpacked)) {
                    home = dirs.filter(d -> d.getFileName().toString().startsWith("keycloak-"))
                            .filter(d -> Files.isRegularFile(d.resolve("bin/kc.sh")))
                            .findFirst();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        Path dir = home.map(p -> p.toAbsolutePath().normalize()).orElseThrow(() ->
                new IllegalStateException("System property " + HOME_PROPERTY + " is not set and "
                        + "target/keycloak holds no distribution: build through Maven "
                        + "(mvn -pl examples -am test), which unpacks keycloak-quarkus-dist"));
        if (!Files.isRegularFile(dir.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(HOME_PROPERTY + "=" + dir + " holds no bin/kc.sh");
        }
        return dir;
    }

    private static Path logDir() {
        String basedir = System.getProperty("basedir");
        Path base = basedir != null ? Path.of(basedir) : Path.of("").toAbsolutePath();
        return base.resolve("target");
    }

    private static void writeRealm(Path home, String realmJson) throws IOException {
        Path importDir = Files.createDirectories(home.resolve("data/import"));
        Path temp = Files.createTempFile(importDir.getParent(), "kafka-realm", ".tmp");
        Files.writeString(temp, realmJson, StandardCharsets.UTF_8);
        Files.move(temp, importDir.resolve("kafka-realm.json"),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String readLog(Path logFile) {
        try {
            return Files.readString(logFile, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Only a scratch copy under target/; mvn clean removes it.
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n",
                    lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private static void appendToLog(Path logFile, String text) {
        try {
            Files.writeString(logFile, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // Only a summary line; the server is stopped either way.
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while Keycloak was starting", e);
        }
    }

    /** Keycloak's H2 database for one run, in a directory of its own. */
    private static final class Database {
        private static final String FILE = "keycloakdb.mv.db";

        private final Path seed;
        private final Path dir;

        private Database(Path seed, Path dir) {
            this.seed = seed;
            this.dir = dir;
        }

        static boolean isSeed(Path seed) {
            return Files.isRegularFile(seed.resolve(FILE));
        }

        static Database empty(Path seed) throws IOException {
            Path parent = Files.createDirectories(seed.getParent());
            deleteStale(parent);
            return new Database(seed, Files.createTempDirectory(parent, "run-"));
        }

        /**
         * Deletes the copies that JVMs killed before {@link #close()} left behind. A copy in use
         * is locked by its Keycloak's H2 (a file lock across processes) and stays.
         */
        private static void deleteStale(Path parent) throws IOException {
            List<Path> runs;
            try (Stream<Path> dirs = Files.list(parent)) {
                runs = dirs.filter(d -> d.getFileName().toString().startsWith("run-")).toList();
            }
            for (Path run : runs) {
                Path file = run.resolve(FILE);
                if (Files.exists(file) ? unlocked(file) : isOld(run)) {
                    deleteTree(run);
                }
            }
        }

        private static boolean unlocked(Path file) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    lock.release();
                    return true;
                }
                return false;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private static boolean isOld(Path dir) {
            try {
                return Files.getLastModifiedTime(dir).toInstant()
                        .isBefore(Instant.now().minus(Duration.ofMinutes(10)));
            } catch (IOException e) {
                return false;
            }
        }

        static Database copyOf(Path seed) throws IOException {
            Database database = empty(seed);
            Files.copy(seed.resolve(FILE), database.dir.resolve(FILE));
            return database;
        }

        /** For {@code jdbc:h2:file:}; Keycloak adds its own H2 options only to its default URL. */
        String url() {
            return dir.resolve("keycloakdb") + ";NON_KEYWORDS=VALUE;DB_CLOSE_ON_EXIT=FALSE";
        }

        /** After a clean stop: this database becomes the seed, unless another JVM made one. */
        void publishAsSeed() {
            try {
                Files.move(dir, seed, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                delete();
            }
        }

        void delete() {
            deleteTree(dir);
        }
    }

    /** Keycloak could not bind the port we picked. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(int port, String tail) {
            super("Port " + port + " was taken before Keycloak could bind it:\n" + tail);
        }
    }
}
