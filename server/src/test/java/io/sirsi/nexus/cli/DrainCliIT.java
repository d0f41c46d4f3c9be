package io.sirsi.nexus.cli;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.TestPostgresql;
import io.sirsi.nexus.cli.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Draining with the packaged jar, on both stores: a drain (of an allocation, and of a host) outlives a restart of the
 * registry, and {@code ports exec --drain-delay} takes the service out of discovery before its command hears of
 * SIGTERM, by at least the delay.
 */
class DrainCliIT {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDrainAndAHostMaintenanceOutliveARestart(String store) throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-drain");
        String[] settings = settings(store);
        String steady;
        int port;
        try (RegistryProcess registry = RegistryProcess.start(dataDir, settings)) {
            var granted = allocate(registry, "steady", "localhost");
            steady = granted.path("allocation.allocation_id");
            port = granted.path("allocation.port");
            allocate(registry, "racked", "rack-9");
            Run drained = ports(registry, "drain", steady, "--for", "1h", "--reason", "disk swap");
            assertEquals(0, drained.exitCode(), drained.err());
            assertThat(drained.out(), containsString("Draining steady (port " + port + " on localhost"));
            Run host = ports(registry, "drain", "--host", "rack-9", "--for", "1h");
            assertEquals(0, host.exitCode(), host.err());
            assertThat(host.out(), containsString("Host rack-9 in maintenance until"));
            assertThat(host.out(), containsString("1 allocation draining"));
            registry.kill();
        }
        try (RegistryProcess restarted = RegistryProcess.start(dataDir, settings)) {
            restarted.request().post("/ports/heartbeat/" + steady).then().statusCode(200);
            restarted.request().get("/ports/service/steady").then().body("status", equalTo("Draining"))
                    .body("port", equalTo(port));
            restarted.request().get("/ports/instances/steady?status=Active").then().body("size()", equalTo(0));
            restarted.request().queryParam("host", "rack-9").get("/ports/service/racked").then()
                    .body("status", equalTo("Draining"));
            Run refused = ports(restarted, "allocate", "newcomer", "cache", "--host", "rack-9");
            assertEquals(ExitCode.CONFLICT.code(), refused.exitCode(), refused.err());
            assertThat(refused.err(), containsString("host rack-9 is in maintenance until"));

            Run undrained = ports(restarted, "undrain", steady);
            assertEquals(0, undrained.exitCode(), undrained.err());
            restarted.request().get("/ports/instances/steady?status=Active").then().body("size()", equalTo(1));
            Run hostBack = ports(restarted, "undrain", "--host", "rack-9");
            assertEquals(0, hostBack.exitCode(), hostBack.err());
            assertEquals(0, ports(restarted, "allocate", "newcomer", "cache", "--host", "rack-9").exitCode());
            mistakesHaveTheCliExitCodes(restarted, steady);
        }
    }

    private static void mistakesHaveTheCliExitCodes(RegistryProcess registry, String active) throws Exception {
        String before = registry.request().get("/ports/allocations").asString();
        assertEquals(ExitCode.USAGE.code(), ports(registry, "drain").exitCode());
        assertEquals(ExitCode.USAGE.code(), ports(registry, "drain", active, "--host", "rack-9").exitCode());
        Run badDelay = ports(registry, "exec", "--drain-delay", "2 hours", "never", "custom", "--", "true");
        assertEquals(ExitCode.USAGE.code(), badDelay.exitCode(), badDelay.err());
        assertThat(badDelay.err(), containsString("invalid --drain-delay '2 hours'"));
        Run help = ports(registry, "drain", "--help");
        for (String option : List.of("--for", "--reason", "--host", "ALLOCATION_ID")) {
            assertThat(help.out(), containsString(option));
        }
        assertThat(ports(registry, "exec", "--help").out(), containsString("--drain-delay"));
        assertEquals(ExitCode.NOT_FOUND.code(), ports(registry, "drain", "6f1c1b7e-0000-4000-8000-000000000000")
                .exitCode());
        Run badDuration = ports(registry, "drain", active, "--for", "soon");
        assertEquals(ExitCode.USAGE.code(), badDuration.exitCode());
        assertThat(badDuration.err().lines().findFirst().orElseThrow(), containsString("invalid --for 'soon'"));
        assertEquals(ExitCode.CONFLICT.code(), ports(registry, "undrain", active).exitCode());
        assertEquals(before, registry.request().get("/ports/allocations").asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void execDrainsTheServiceBeforeItsCommandHearsOfSigterm(String store) throws Exception {
        Path mark = Files.createTempFile("sirsi-nexus-sigterm", ".ms");
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-drain-exec"),
                settings(store))) {
            Map<String, String> environment = new HashMap<>(Map.of("SIRSI_NEXUS_URL", registry.url(),
                    "MARK", mark.toString()));
            // the command writes when SIGTERM reached it, in epoch milliseconds, and says when its trap is set
            Process exec = Cli.launch(environment, "ports", "exec", "--drain-delay", "3s", "graceful", "custom", "--",
                    "sh", "-c", "trap 'date +%s%3N > \"$MARK\"; exit 0' TERM; echo trapped;"
                            + " while :; do sleep 0.1; done");
            await().alias("graceful registered").atMost(Duration.ofSeconds(60))
                    .until(() -> registry.request().get("/ports/service/graceful").statusCode() == 200);
            assertEquals('t', exec.getInputStream().read(), "the command's first output");
            new ProcessBuilder("kill", "-TERM", Long.toString(exec.pid())).start().waitFor();
            Run finished = Cli.finish(exec);
            assertEquals(0, finished.exitCode(), finished.err());
            assertThat(finished.err(), containsString("is draining (no longer offered)"));

            Instant sigterm = Instant.ofEpochMilli(Long.parseLong(Files.readString(mark).strip()));
            List<Map<String, Object>> history = registry.request().get("/ports/history?service=graceful").then()
                    .statusCode(200).extract().jsonPath().getList("$");
            Map<String, Instant> at = new HashMap<>();
            history.forEach(event -> at.put((String) event.get("type"), Instant.parse((String) event.get("at"))));
            assertEquals(List.of("released", "draining", "allocated"), history.stream().map(event -> event.get("type"))
                    .toList(), "newest first");
            // one clock (this machine's), and only lower bounds: a slow machine makes the gaps longer, never shorter
            assertTrue(!sigterm.isBefore(at.get("draining").plus(Duration.ofSeconds(3))), "SIGTERM at " + sigterm
                    + ", the registry stopped offering the service at " + at.get("draining"));
            assertTrue(!at.get("released").isBefore(sigterm), "released at " + at.get("released")
                    + " before the command got SIGTERM at " + sigterm);
            System.out.printf("drain-delay 3s: SIGTERM reached the command %d ms after the registry stopped offering"
                    + " it; released %d ms after that%n", Duration.between(at.get("draining"), sigterm).toMillis(),
                    Duration.between(sigterm, at.get("released")).toMillis());
        }
    }

    @Test
    void execDoesNotAllocateAgainWhatWasReleasedWhileItDrains() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-drain-exec"))) {
            Process exec = Cli.launch(Map.of("SIRSI_NEXUS_URL", registry.url()), "ports", "exec", "--drain-delay",
                    "3s", "--heartbeat-interval", "1", "stopping", "custom", "--", "sh", "-c",
                    "trap 'exit 0' TERM; echo trapped; while :; do sleep 0.1; done");
            await().alias("stopping registered").atMost(Duration.ofSeconds(60))
                    .until(() -> registry.request().get("/ports/service/stopping").statusCode() == 200);
            assertEquals('t', exec.getInputStream().read(), "the command's first output");
            new ProcessBuilder("kill", "-TERM", Long.toString(exec.pid())).start().waitFor();
            await().alias("stopping draining").atMost(Duration.ofSeconds(30)).until(() -> "Draining".equals(
                    registry.request().get("/ports/service/stopping").then().extract().path("status")));
            // an operator releases it during the delay; exec heartbeats every second until the command stops
            String id = registry.request().get("/ports/service/stopping").then().extract().path("allocation_id");
            registry.request().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + id + "\"}")
                    .post("/ports/release").then().statusCode(200);
            Run finished = Cli.finish(exec);
            assertEquals(0, finished.exitCode(), finished.err());

            registry.request().get("/ports/service/stopping").then().statusCode(404);
            assertEquals(List.of("released", "draining", "allocated"), registry.request()
                    .get("/ports/history?service=stopping").then().statusCode(200).extract().jsonPath()
                    .getList("type"), "newest first: allocated once, never again while it stopped");
        }
    }

    private static io.restassured.response.ExtractableResponse<io.restassured.response.Response> allocate(
            RegistryProcess registry, String name, String host) {
        return registry.request().contentType(ContentType.JSON).body("{\"service_name\":\"" + name
                + "\",\"service_type\":\"cache\",\"host\":\"" + host + "\"}").post("/ports/allocate").then()
                .statusCode(200).extract();
    }

    private static Run ports(RegistryProcess registry, String... commandAndArgs) throws Exception {
        return Cli.ports(registry.url(), Map.of(), commandAndArgs);
    }

    /** The registry's settings for the store; PostgreSQL's test skips itself without a server (PGHOST). */
    private static String[] settings(String store) throws Exception {
        if (store.equals("sqlite")) {
            return new String[0];
        }
        TestPostgresql postgresql = TestPostgresql.require();
        postgresql.empty();
        return postgresql.registryProperties();
    }
}
