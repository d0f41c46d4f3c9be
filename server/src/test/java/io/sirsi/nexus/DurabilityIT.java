package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every acknowledged allocation survives kill -9 and a restart on the same data directory. */
class DurabilityIT {

    private static final int SERVICES = 40;

    record Held(String allocationId, int port) {
    }

    @Test
    void acknowledgedAllocationsSurviveSigkill() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-durability").resolve("fresh-subdir");
        Map<String, Held> acknowledged = new LinkedHashMap<>();
        String released;
        String heartbeatTime;

        try (RegistryProcess registry = RegistryProcess.start(dataDir,
                "-Dquarkus.log.category.\"io.sirsi.nexus.registry.Leases\".level=DEBUG")) {
            for (int i = 0; i < SERVICES; i++) {
                String type = i % 2 == 0 ? "rest-api" : "custom";
                var body = registry.request().contentType(ContentType.JSON)
                        .body("{\"service_name\":\"svc-" + i + "\",\"service_type\":\"" + type + "\"}")
                        .post("/ports/allocate").then().statusCode(200).extract().jsonPath();
                acknowledged.put("svc-" + i, new Held(body.getString("allocation.allocation_id"),
                        body.getInt("allocation.port")));
            }
            String beating = acknowledged.get("svc-1").allocationId();
            String allocatedAt = registry.request().get("/ports/service/svc-1").then().extract().path("allocated_at");
            // a heartbeat later than the allocation's own time, or the restart could not tell that it was kept
            await().until(() -> Instant.now().isAfter(Instant.parse(allocatedAt).plusMillis(1)));
            registry.request().post("/ports/heartbeat/" + beating).then().statusCode(200);
            heartbeatTime = registry.request().get("/ports/service/svc-1").then().extract().path("last_heartbeat");
            assertNotEquals(allocatedAt, heartbeatTime);
            // heartbeat times reach disk within a second, by a job whose one sign outside the process is a debug line
            registry.awaitLogLines("Heartbeat times written to the store: 1", 1);
            released = acknowledged.remove("svc-0").allocationId();
            registry.request().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + released + "\"}")
                    .post("/ports/release").then().statusCode(200);
            registry.kill();
        }

        try (RegistryProcess restarted = RegistryProcess.start(dataDir)) {
            acknowledged.forEach((name, held) -> restarted.request().get("/ports/service/" + name).then()
                    .statusCode(200)
                    .body("allocation_id", equalTo(held.allocationId()))
                    .body("port", equalTo(held.port())));
            restarted.request().get("/ports/stats").then().body("total_allocations", equalTo(acknowledged.size()));
            restarted.request().get("/ports/service/svc-0").then().statusCode(404);
            restarted.request().get("/ports/service/svc-1").then().body("last_heartbeat", equalTo(heartbeatTime));

            // every acknowledged change has its event, and the log has no gap
            List<Map<String, Object>> history = restarted.request().get("/ports/history?limit=1000").then()
                    .statusCode(200).extract().jsonPath().getList("$");
            assertEquals(SERVICES + 1, history.size(), "40 allocations and one release");
            for (int i = 0; i < history.size(); i++) {
                assertEquals(history.size() - i, ((Number) history.get(i).get("revision")).intValue());
            }
            assertEquals("released", history.get(0).get("type"));
            assertEquals(released, ((Map<?, ?>) history.get(0).get("allocation")).get("allocation_id"));
            acknowledged.forEach((name, held) -> restarted.request().get("/ports/history?service=" + name).then()
                    .statusCode(200).body("type", equalTo(List.of("allocated")))
                    .body("[0].allocation.allocation_id", equalTo(held.allocationId())));

            int fresh = restarted.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"after-restart\",\"service_type\":\"rest-api\"}")
                    .post("/ports/allocate").then().statusCode(200).extract().path("allocation.port");
            assertFalse(acknowledged.values().stream().anyMatch(held -> held.port() == fresh),
                    "port " + fresh + " was handed out again after the restart");
            assertEquals(8080, fresh, "the released port 8080 is free again");
        }
    }
}
