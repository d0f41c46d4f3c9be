package io.sirsi.nexus.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The server's packaged jar run as a separate registry process, as an operator would run it: the one harness of the
 * server's, the client library's and the Stork application's tests. Failsafe passes the jar's path as
 * {@code sirsi.jar}; without it the jar is looked for where a module of this build finds it.
 *
 * <p>The registry's DNS interface listens on a free port unless the system property {@code sirsi.test.dns} is
 * {@code off}: the tests of the client and of the Stork application turn it off, as port 0 picks a free UDP port
 * whose TCP twin may be taken (seen with backends in the ephemeral range), and they have no use for it.
 */
public final class RegistryProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    /** How often a start on a free port is tried when the port was taken before the registry bound it. */
    private static final int PORT_ATTEMPTS = 3;
    /** How many ports below the kernel's ephemeral range {@link #freePort} draws from. */
    private static final int LISTEN_PORTS = 10_000;
    /** Nor below this one: the well-known and common service ports (PostgreSQL's, Prometheus's...) stay out. */
    private static final int LOWEST_DRAWN = 10_000;
    private static final Random RANDOM = new Random();

    private final Process process;
    private final int port;
    private final Path log;

    private RegistryProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code sirsi-nexus start} on a free port and waits until it is ready. A port found free may be taken
     * before the registry binds it: it comes from the ephemeral range, where every outgoing connection of this
     * machine takes its local port (a replica's database connections, started at the same moment, took one once,
     * in CI). Then the registry is started again, on another free port.
     */
    public static RegistryProcess start(Path dataDir, String... extraProperties) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            try {
                return start(dataDir, port, extraProperties);
            } catch (IllegalStateException refused) {
                // refused by the start's own check of the port, or by Vert.x when it was taken just after that
                boolean taken = refused.getMessage().contains("port " + port + " is in use by another process")
                        || refused.getMessage().contains("Port already bound: " + port + ":");
                if (attempt == PORT_ATTEMPTS || !taken) {
                    throw refused;
                }
            }
        }
    }

    /** Starts {@code sirsi-nexus start} on this port (a restart where clients expect it) and waits until ready. */
    public static RegistryProcess start(Path dataDir, int port, String... extraProperties) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Dquarkus.http.port=" + port,
                "-Dsirsi.ports.data-dir=" + dataDir, "-Dsirsi.ports.bind-check=false",
                // a free DNS port, as for HTTP: several registries run at once here
                "off".equals(System.getProperty("sirsi.test.dns")) ? "-Dsirsi.dns.enabled=false" : "-Dsirsi.dns.port=0",
                // nothing expires on a slow machine unless the test asks for it; a later -D of the same key wins
                "-Dsirsi.ports.heartbeat-timeout=10m",
                // freed ports come back at once unless the test asks for the reuse delay
                "-Dsirsi.ports.reuse-delay=0s"));
        command.addAll(List.of(extraProperties));
        command.addAll(List.of("-jar", jar().toString(), "start"));
        Path log = Files.createTempFile("sirsi-nexus-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RegistryProcess registry = new RegistryProcess(process, port, log);
        registry.awaitReady();
        return registry;
    }

    /** What the process wrote to stdout and stderr so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** How many lines of the log so far contain the text. */
    public long logLines(String text) throws IOException {
        return log().lines().filter(line -> line.contains(text)).count();
    }

    /**
     * Waits up to 10 s for at least {@code count} log lines with the text: the console log is asynchronous, so a
     * line may land a moment after the request that caused it has been answered.
     */
    public void awaitLogLines(String text, long count) throws IOException {
        try {
            await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(10))
                    .until(() -> logLines(text) >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("fewer than " + count + " log lines with '" + text + "' after 10 s:\n" + log());
        }
    }

    /** The registry's base URL, for {@code --url} or a client. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The HTTP port the registry listens on, to start it again where clients expect it. */
    public int port() {
        return port;
    }

    /** A REST Assured request to this registry. */
    public RequestSpecification request() {
        return given().baseUri("http://127.0.0.1").port(port);
    }

    /** The process id, for signals. */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private void awaitReady() throws IOException {
        try {
            await().pollInterval(Duration.ofMillis(100)).atMost(READY_WITHIN).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("registry exited with " + process.exitValue() + ":\n" + log());
                }
                // Quarkus says "started in ... Listening on: ..." once every listener is bound; readiness on the
                // plain port alone is not enough, as HTTPS binds after it (a TLS test was refused so once)
                if (!log().contains(" started in ")) {
                    return false;
                }
                try {
                    return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYetListening) {
                    return false; // connection refused until the HTTP server is up
                }
            });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("registry not ready within " + READY_WITHIN.toSeconds() + " s:\n"
                    + log());
        }
    }

    /**
     * The packaged server: {@code sirsi.jar}, else the server module's jar seen from the server module itself, from
     * a module beside it, or from one under {@code tests/}.
     */
    public static Path jar() {
        String given = System.getProperty("sirsi.jar");
        List<Path> candidates = given != null ? List.of(Path.of(given))
                : List.of(Path.of("target/quarkus-app/quarkus-run.jar"),
                        Path.of("../server/target/quarkus-app/quarkus-run.jar"),
                        Path.of("../../server/target/quarkus-app/quarkus-run.jar"));
        return candidates.stream().filter(Files::exists).findFirst().orElseThrow(() -> new IllegalStateException(
                candidates.get(0) + " is missing: run 'mvn package -DskipTests -pl server -am' first"));
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A port free on this machine now, for TCP and UDP, for a process to listen on. Drawn below the kernel's range of
     * ephemeral ports: a port of that range that is free now may be any outgoing connection's local port a moment
     * later, before the process binds it, and on a busy machine one was (CI, RefusedStartIT). Outgoing connections
     * never take a port below that range. Falls back to a port the kernel picks when the range starts too low to
     * leave room below it.
     */
    public static int freePort() throws IOException {
        int ephemeralLow = ephemeralPortsFrom();
        if (ephemeralLow - LISTEN_PORTS >= LOWEST_DRAWN) {
            for (int draw = 0; draw < 100; draw++) {
                int port = ephemeralLow - 1 - RANDOM.nextInt(LISTEN_PORTS);
                if (bindable(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The first port of the kernel's ephemeral range (Linux's default, 32768, where it cannot be read). */
    private static int ephemeralPortsFrom() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }

    /** Whether a TCP listener and a UDP socket can both take the port on every address now. */
    private static boolean bindable(int port) {
        try (ServerSocket tcp = new ServerSocket(port); DatagramSocket udp = new DatagramSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
