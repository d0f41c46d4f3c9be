package io.sirsi.nexus.storkapp;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real registry (the server's packaged jar) for the application under test, started before it and pointed at by
 * its Stork configuration; tests stop and start it again, on the same port and data, to play a registry restart.
 */
public class RegistryResource implements QuarkusTestResourceLifecycleManager {

    /** The type of the backends: the ephemeral range, where a free port for a backend is found. */
    static final String BACKEND_TYPE = "backend";
    private static final String[] SETTINGS = {"-Dsirsi.ports.ranges." + BACKEND_TYPE + "=32768-60999",
        "-Dsirsi.ports.heartbeat-timeout=5s"};

    private static Path data;
    private static int port;
    private static int applicationPort;
    private static RegistryProcess registry;

    @Override
    public Map<String, String> start() {
        try {
            data = Files.createTempDirectory("stork-registry");
            port = RegistryProcess.freePort();
            // the application's own port, free now and in the backends' range, where its registrar registers it
            applicationPort = RegistryProcess.freePort();
            startAgain();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.stork.orders.service-discovery.registry-urls", url(),
                "quarkus.stork.front.service-registrar.registry-urls", url(),
                "quarkus.stork.front.service-registrar.service-type", BACKEND_TYPE,
                "quarkus.http.test-port", Integer.toString(applicationPort));
    }

    /** The port the application under test listens on. */
    static int applicationPort() {
        return applicationPort;
    }

    @Override
    public void stop() {
        try {
            stopRegistry();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String url() {
        return "http://127.0.0.1:" + port;
    }

    static void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }

    static void startAgain() throws IOException {
        registry = RegistryProcess.start(data, port, SETTINGS);
    }

    /**
     * The registry, stopped here, run on another port with the same data: it goes on where the application cannot
     * follow it (a later setting of the same key wins over the usual ones).
     */
    static RegistryProcess startElsewhere(String... settings) throws IOException {
        String[] all = Stream.concat(Arrays.stream(SETTINGS), Arrays.stream(settings)).toArray(String[]::new);
        return RegistryProcess.start(data, RegistryProcess.freePort(), all);
    }
}
