package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/** The packaged jar run as a separate process, as an operator would run it. */
public final class RegistryProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private RegistryProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code sirsi-nexus start} on a free port and waits until it is ready. */
    public static RegistryProcess start(Path dataDir, String... extraProperties) throws IOException {
        return start(dataDir, freePort(), extraProperties);
    }

    /** Starts {@code sirsi-nexus start} on this port (a restart where clients expect it) and waits until ready. */
    public static RegistryProcess start(Path dataDir, int port, String... extraProperties) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Dquarkus.http.port=" + port,
                "-Dsirsi.ports.data-dir=" + dataDir, "-Dsirsi.ports.bind-check=false",
                // a free DNS port, as for HTTP: several registries run at once here
                "-Dsirsi.dns.port=0",
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

    /** The registry's base URL, for {@code --url}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The HTTP port the registry listens on. */
    public int port() {
        return port;
    }

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
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }

    private void awaitReady() throws IOException {
        try {
            await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(60)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("registry exited with " + process.exitValue() + ":\n"
                            + Files.readString(log));
                }
                try {
                    return request().get("/q/health/ready").statusCode() == 200;
                } catch (Exception notYetListening) {
                    return false; // connection refused until the HTTP server is up
                }
            });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("registry not ready within 60 s:\n" + Files.readString(log));
        }
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("sirsi.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn package' first");
        }
        return jar;
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port free on this machine now, for a process to listen on. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
