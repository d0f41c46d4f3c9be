package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Active, Expired, revived by a heartbeat, removed by cleanup. */
@QuarkusTest
@TestProfile(ShortTimeoutsProfile.class)
class ExpiryTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void anAllocationWithoutHeartbeatsExpiresButKeepsItsPort() throws InterruptedException {
        Registry.Granted granted = Registry.grant("quiet", "cache");
        given().when().get("/ports/service/quiet").then().body("status", equalTo("Active"));
        Thread.sleep(1_500);
        given().when().get("/ports/service/quiet").then().body("status", equalTo("Expired"));
        given().when().get("/ports/stats").then().body("expired_allocations", equalTo(1))
                .body("active_allocations", equalTo(0));
        Registry.allocate("other", "cache", granted.port(), true).statusCode(409);
    }

    @Test
    void aHeartbeatRevivesAnExpiredAllocation() throws InterruptedException {
        Registry.Granted granted = Registry.grant("sleepy", "cache");
        Thread.sleep(1_500);
        Registry.heartbeat(granted.allocationId()).statusCode(200);
        given().when().get("/ports/service/sleepy").then().body("status", equalTo("Active"))
                .body("allocation_id", equalTo(granted.allocationId()));
    }

    @Test
    void cleanupRemovesExpiredAllocationsOnlyAndFreesTheirPorts() throws InterruptedException {
        Registry.Granted gone = Registry.grant("gone", "analytics");
        Registry.Granted kept = Registry.grant("kept", "analytics");
        for (int i = 0; i < 3; i++) {
            Thread.sleep(500);
            Registry.heartbeat(kept.allocationId()).statusCode(200);
        }
        given().when().post("/ports/cleanup").then().statusCode(200)
                .body("removed", equalTo(1))
                .body("removed_allocations.service_name", contains("gone"));
        given().when().get("/ports/service/gone").then().statusCode(404);
        given().when().get("/ports/service/kept").then().statusCode(200).body("status", equalTo("Active"));
        Registry.heartbeat(gone.allocationId()).statusCode(404);
        Registry.allocate("newcomer", "analytics").statusCode(200).body("allocation.port", equalTo(gone.port()));
    }
}
