package io.sirsi.nexus.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The server's packaged jar run as a real registry process, for the client's and the Stork provider's tests. The
 * reactor packages the server first; failsafe passes the jar's path as {@code sirsi.jar}.
 */
public final class RegistryProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private RegistryProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a registry on this port and data directory and waits until it is ready. */
    public static RegistryProcess start(Path dataDir, int port, String... extraProperties) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dsirsi.ports.data-dir=" + dataDir, "-Dsirsi.ports.bind-check=false",
                // no DNS interface: several registries run at once here, and its default port (8600) is one; port 0
                // picks a free UDP port whose TCP twin may be taken (seen with backends in the ephemeral range)
                "-Dsirsi.dns.enabled=false",
                "-Dsirsi.ports.heartbeat-timeout=10m", "-Dsirsi.ports.reuse-delay=0s"));
        command.addAll(List.of(extraProperties)); // a later -D of the same key wins
        command.addAll(List.of("-jar", jar().toString(), "start"));
        Path log = Files.createTempFile("sirsi-nexus-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RegistryProcess registry = new RegistryProcess(process, port, log);
        registry.awaitReady();
        return registry;
    }

    /** The registry's base URL. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Its HTTP port, to start it again where clients expect it. */
    public int port() {
        return port;
    }

    /** What it logged so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private void awaitReady() throws IOException {
        try {
            await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(90)).until(() -> {
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
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("registry not ready within 90 s:\n" + log());
        }
    }

    /** The packaged server. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("sirsi.jar", "../server/target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn package -pl server -am' first");
        }
        return jar;
    }

    /** A port free on this machine now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
