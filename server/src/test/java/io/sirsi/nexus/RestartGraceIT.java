package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The registry's own downtime is not its services' silence: a registry that was down for longer than the
 * heartbeat timeout keeps every allocation after it starts again, and expires only those that stay silent for a
 * whole timeout after the start.
 */
class RestartGraceIT {

    private static final String[] SETTINGS = {"-Dsirsi.ports.heartbeat-timeout=6s",
        "-Dsirsi.ports.cleanup-interval=1s", "-Dsirsi.ports.expiry-interval=200ms",
        // the services that stay silent are few; this test is about downtime, not self-preservation
        "-Dsirsi.ports.self-preservation.threshold=1"};

    private static final Pattern GRACE_ENDS = Pattern.compile("no allocation expires for silence before (\\S+) ");

    /** The reuse delay outlives a restart: a port freed just before it still cools after it. */
    @Test
    void aPortFreedBeforeARestartKeepsCoolingAfterIt() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-cooling");
        String delay = "-Dsirsi.ports.reuse-delay=10m";
        int port;
        try (RegistryProcess registry = RegistryProcess.start(dataDir, delay)) {
            var granted = registry.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"gone\",\"service_type\":\"rest-api\"}").post("/ports/allocate")
                    .then().statusCode(200).extract();
            port = granted.path("allocation.port");
            registry.request().contentType(ContentType.JSON)
                    .body("{\"allocation_id\":\"" + granted.path("allocation.allocation_id") + "\"}")
                    .post("/ports/release").then().statusCode(200);
            registry.kill();
        }
        try (RegistryProcess restarted = RegistryProcess.start(dataDir, delay)) {
            restarted.request().get("/ports/ranges").then().body("'rest-api'.cooling", equalTo(1));
            restarted.request().contentType(ContentType.JSON).body("{\"service_name\":\"intruder\","
                    + "\"service_type\":\"rest-api\",\"preferred_port\":" + port + ",\"required\":true}")
                    .post("/ports/allocate").then().statusCode(409)
                    .body("detail", containsString("sirsi.ports.reuse-delay"));
            restarted.request().contentType(ContentType.JSON).body("{\"service_name\":\"gone\","
                    + "\"service_type\":\"rest-api\",\"preferred_port\":" + port + ",\"required\":true}")
                    .post("/ports/allocate").then().statusCode(200).body("allocation.port", equalTo(port));
        }
    }

    @Test
    void downtimeLongerThanTheTimeoutForgetsNoLiveService() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-restart");
        List<String> ids = new ArrayList<>();
        try (RegistryProcess registry = RegistryProcess.start(dataDir, SETTINGS)) {
            for (int i = 0; i < 5; i++) {
                ids.add(registry.request().contentType(ContentType.JSON)
                        .body("{\"service_name\":\"live-" + i + "\",\"service_type\":\"rest-api\"}")
                        .post("/ports/allocate").then().statusCode(200).extract().path("allocation.allocation_id"));
            }
            registry.kill();
        }
        Thread.sleep(7_000); // down for longer than the 6 s timeout: this is the outage under test

        try (RegistryProcess restarted = RegistryProcess.start(dataDir, SETTINGS)) {
            Instant graceEnds = graceEnds(restarted);
            for (int i = 0; i < 5; i++) {
                restarted.request().get("/ports/service/live-" + i).then().statusCode(200)
                        .body("status", equalTo("Active"));
            }
            // three services heartbeat again, as live services do once the registry answers; two stay silent
            for (int i = 0; i < 3; i++) {
                restarted.request().post("/ports/heartbeat/" + ids.get(i)).then().statusCode(200);
            }
            // a cleanup pass now, run by the test rather than hoped for from the schedule: it runs the expiry pass
            // first, and without the grace every allocation, silent for longer than the timeout, would go
            restarted.request().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(0));
            assumeTrue(Instant.now().isBefore(graceEnds), "the machine was too slow to ask within the grace");
            restarted.request().get("/ports/stats").then().body("total_allocations", equalTo(5))
                    .body("active_allocations", equalTo(5));
            restarted.request().get("/ports/history?type=rest-api").then().body("type.findAll { it == 'expired' }"
                    + ".size()", equalTo(0));

            // the silent two go once a whole timeout has passed since the start, the others stay
            await().alias("the silent services cleaned up").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        for (int i = 0; i < 3; i++) {
                            restarted.request().post("/ports/heartbeat/" + ids.get(i)).then().statusCode(200);
                        }
                        return restarted.request().get("/ports/stats").then().extract()
                                .<Integer>path("total_allocations") == 3;
                    });
            assertFalse(Instant.now().isBefore(graceEnds), "removed before a whole timeout had passed since the start");
            for (int i = 0; i < 3; i++) {
                restarted.request().get("/ports/service/live-" + i).then().statusCode(200)
                        .body("status", equalTo("Active"));
            }
            restarted.request().get("/ports/service/live-3").then().statusCode(404);
        }
    }

    /** When the restarted registry's grace ends, as it logs it: no allocation expires for silence before then. */
    private static Instant graceEnds(RegistryProcess registry) throws Exception {
        registry.awaitLogLines("Expiry resumed at", 1);
        Matcher before = GRACE_ENDS.matcher(registry.log());
        assertTrue(before.find(), registry.log());
        return Instant.parse(before.group(1));
    }
}
