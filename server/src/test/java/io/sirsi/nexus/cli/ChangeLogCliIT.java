package io.sirsi.nexus.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code ports watch} and {@code ports history} against the packaged jar. */
class ChangeLogCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bytes waiting in the watch's stdout pipe when it is full: Linux's pipes hold 64 KiB. */
    private static final int PIPE_FULL = 60_000;
    private static final Pattern BACKING_OFF = Pattern.compile("resuming after revision \\d+ in \\d+s");

    @Test
    void watchFollowsChangesAcrossARegistryRestartAndCtrlCEndsIt() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-watch");
        RegistryProcess registry = RegistryProcess.start(dataDir);
        int port = registry.port();
        String start = registry.request().get("/ports/stats").header("X-Sirsi-Index");
        Process watch = Cli.launchInterruptible(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "watch",
                "--service", "watched", "--since", start, "-o", "json");
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

            assertEndsOnCtrlC(watch);
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
            assertEquals(2, badWindow.exitCode(), badWindow.err()); // malformed: the CLI's own check
            assertThat(badWindow.err(), containsString("invalid --window '99x'"));
            Cli.Run bad = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "history", "--since", "soon");
            assertEquals(2, bad.exitCode());
            assertThat(bad.err(), containsString("invalid --since 'soon'"));
            // a window reaching before 1970 is all of the log, not a time the registry refuses
            Cli.Run all = Cli.run(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "history", "--since",
                    "100000d", "--service", "watched", "-o", "json");
            assertEquals(0, all.exitCode(), all.err());
            assertEquals(types.size(), JSON.readTree(all.out()).size(), all.out());
        } finally {
            watch.destroyForcibly();
            registry.close();
        }
    }

    @Test
    void ctrlCEndsAWatchThatWaitsToReconnect() throws Exception {
        RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-watch-backoff"));
        allocate(registry, "before-the-fall");
        Process watch = Cli.launchInterruptible(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "watch",
                "--since", "0", "-o", "json");
        StringBuffer err = collect(watch.getErrorStream());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine(), containsString("before-the-fall")); // connected and reading
            registry.kill();
            // the registry is gone: the watch backs off between attempts to reconnect
            await().atMost(Duration.ofSeconds(60)).until(() -> BACKING_OFF.matcher(err).find());
            assertEndsOnCtrlC(watch);
        } finally {
            watch.destroyForcibly();
            registry.close();
        }
    }

    /**
     * A watch whose reader stopped reading (a pager paused, a pipe into something slow) is blocked printing, and
     * Ctrl-C still ends it: the handler used to flush the output first, and waited for ever for the lock that the
     * blocked print held.
     */
    @Test
    void ctrlCEndsAWatchBlockedOnAFullPipe() throws Exception {
        // 300 writes as fast as the machine goes: past the per-client write budget on a quiet one, which is not
        // what this test is about
        RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-watch-pipe"),
                "-Dsirsi.rate-limit.enabled=false");
        for (int i = 0; i < 150; i++) { // about 100 KB of JSON lines: more than a pipe holds
            release(registry, allocate(registry, "filler-" + i));
        }
        Process watch = Cli.launchInterruptible(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "watch",
                "--since", "0", "-o", "json");
        try {
            // nobody reads its output: once the pipe is full, the watch is stuck in a print
            await().atMost(Duration.ofSeconds(60)).until(() -> watch.getInputStream().available() >= PIPE_FULL);
            assertEndsOnCtrlC(watch);
        } finally {
            watch.destroyForcibly();
            registry.close();
        }
    }

    /**
     * {@code ports watch | head -1}: once its reader is gone, the watch ends quietly with 0 at the next change, as
     * {@code kubectl get -w} does, instead of following the log for ever into a closed pipe.
     */
    @Test
    void aWatchWhoseOutputIsClosedEnds() throws Exception {
        RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-watch-head"));
        Process watch = Cli.launch(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "watch", "--since", "0");
        StringBuffer err = collect(watch.getErrorStream());
        try {
            allocate(registry, "first-seen");
            BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine(), containsString("first-seen"));
            out.close(); // as head does after its line
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                allocate(registry, "after-head-" + System.nanoTime() % 100_000);
                return watch.waitFor(1, TimeUnit.SECONDS);
            });
            assertEquals(0, watch.exitValue(), err.toString());
            assertEquals("", err.toString().strip());
        } finally {
            watch.destroyForcibly();
            registry.close();
        }
    }

    /** SIGINT, as Ctrl-C sends it: the watch ends, with 0. The wait is a guard against a hang, not a timing. */
    private static void assertEndsOnCtrlC(Process watch) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(watch.pid())).start().waitFor());
        assertTrue(watch.waitFor(60, TimeUnit.SECONDS), "the watch outlived its SIGINT");
        assertEquals(0, watch.exitValue());
    }

    /** What a stream says, collected as it comes by a thread of its own. */
    private static StringBuffer collect(InputStream stream) {
        StringBuffer text = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> text.append(line).append('\n'));
            } catch (Exception ended) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return text;
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
