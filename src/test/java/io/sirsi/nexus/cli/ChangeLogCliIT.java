package io.sirsi.nexus.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.sirsi.nexus.RegistryProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ports watch} and {@code ports history} against the packaged jar. */
class ChangeLogCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void watchFollowsChangesAcrossARegistryRestartAndCtrlCEndsIt() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-watch");
        RegistryProcess registry = RegistryProcess.start(dataDir);
        int port = registry.port();
        String start = registry.request().get("/ports/stats").header("X-Sirsi-Index");
        Process watch = Cli.launch(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "watch", "--service",
                "watched", "--since", start, "-o", "json");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(),
                    StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (Exception ended) {
                // the watch ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String first = allocate(registry, "watched");
            allocate(registry, "unwatched");
            assertEquals(List.of("allocated:" + first), next(lines, 1));

            registry.kill(); // the connection drops; changes then happen before the watch is back
            registry = RegistryProcess.start(dataDir, port);
            release(registry, first);
            String second = allocate(registry, "watched");
            assertEquals(List.of("released:" + first, "allocated:" + second), next(lines, 2));

            new ProcessBuilder("kill", "-INT", Long.toString(watch.pid())).start().waitFor();
            assertEquals(true, watch.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, watch.exitValue());
            String err = new String(watch.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(err, containsString("resuming after revision"));
            assertEquals(List.of(), new ArrayList<>(lines), "nothing repeated");

            Cli.Run history = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "history", "--service",
                    "watched", "--since", "1h", "-o", "json");
            assertEquals(0, history.exitCode(), history.err());
            List<String> types = new ArrayList<>();
            JSON.readTree(history.out()).forEach(event -> types.add(event.path("type").asText()));
            assertEquals(List.of("allocated", "released", "allocated"), types);
            Cli.Run elsewhere = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "history", "--service",
                    "watched", "--host", "node-z", "-o", "json");
            assertEquals(0, elsewhere.exitCode(), elsewhere.err());
            assertEquals(0, JSON.readTree(elsewhere.out()).size(), "nothing happened on node-z");
            Cli.Run table = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "history", "--limit", "2");
            assertEquals(0, table.exitCode(), table.err());
            assertThat(table.out(), containsString("REVISION"));
            assertThat(table.out(), containsString("watched"));
            Cli.Run analytics = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "analytics", "--window",
                    "1h");
            assertEquals(0, analytics.exitCode(), analytics.err());
            assertThat(analytics.out(), containsString("PEAK"));
            assertThat(analytics.out(), containsString("custom"));
            Cli.Run badWindow = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "analytics", "--window",
                    "99x");
            assertEquals(5, badWindow.exitCode(), badWindow.err());
            Cli.Run bad = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "history", "--since", "soon");
            assertEquals(2, bad.exitCode());
            assertThat(bad.err(), containsString("invalid --since 'soon'"));
        } finally {
            watch.destroyForcibly();
            registry.close();
        }
    }

    /** The next events the watch printed, as type:allocation id. */
    private static List<String> next(BlockingQueue<String> lines, int count) throws Exception {
        List<String> events = new ArrayList<>();
        while (events.size() < count) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("expected " + count + " events, got " + events);
            }
            JsonNode event = JSON.readTree(line);
            events.add(event.path("type").asText() + ":" + event.path("allocation").path("allocation_id").asText());
        }
        return events;
    }

    private static String allocate(RegistryProcess registry, String name) {
        return registry.request().contentType(ContentType.JSON)
                .body("{\"service_name\":\"" + name + "\",\"service_type\":\"custom\"}").post("/ports/allocate")
                .then().statusCode(200).extract().path("allocation.allocation_id");
    }

    private static void release(RegistryProcess registry, String id) {
        registry.request().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + id + "\"}")
                .post("/ports/release").then().statusCode(200);
    }
}
