package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.sirsi.nexus.store.JdbcAllocationStore;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's read-back of heartbeat times, which replicas' expiry passes make for every quiet candidate: ids in
 * several batches, unknown ids left out, the times as stored. On SQLite and, in the PostgreSQL run, on PostgreSQL.
 */
@QuarkusTest
class StoreReadsTest {

    @Inject
    JdbcAllocationStore store;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void heartbeatTimesAreReadBackForManyIdsInBatches() {
        List<String> granted = List.of(Registry.grant("read-a", "custom").allocationId(),
                Registry.grant("read-b", "custom").allocationId(), Registry.grant("read-c", "custom").allocationId());
        List<UUID> asked = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) { // three batches; the real ones at the start, in the middle and at the end
            asked.add(i == 0 ? UUID.fromString(granted.get(0)) : i == 600 ? UUID.fromString(granted.get(1))
                    : i == 1_199 ? UUID.fromString(granted.get(2)) : UUID.randomUUID());
        }
        Map<UUID, Instant> times = store.lastHeartbeats(asked);
        assertEquals(3, times.size(), times.toString());
        for (String id : granted) {
            String lastHeartbeat = given().get("/ports/allocations").then().statusCode(200).extract().jsonPath()
                    .getString("find { it.allocation_id == '" + id + "' }.last_heartbeat");
            assertEquals(Instant.parse(lastHeartbeat), times.get(UUID.fromString(id)), id);
        }
    }
}
