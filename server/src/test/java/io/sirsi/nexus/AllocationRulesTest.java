package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The allocation semantics of DESIGN.md, over HTTP. Time is the test's ({@link TestClock}): it stands still, so
 * nothing expires unless a test moves it.
 */
@QuarkusTest
@TestProfile(InjectedTimeProfile.class)
class AllocationRulesTest {

    @Inject
    TestClock clock;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void withoutPreferenceTheFirstFreePortOfTheTypeRangeIsGranted() {
        Registry.allocate("db-one", "database").statusCode(200).body("allocation.port", equalTo(5400));
        Registry.allocate("db-two", "database").statusCode(200).body("allocation.port", equalTo(5401));
        Registry.allocate("front", "frontend").statusCode(200).body("allocation.port", equalTo(3000));
        Registry.allocate("gw", "grpc").statusCode(200).body("allocation.port", equalTo(50050));
    }

    @Test
    void aFreePreferredPortIsGrantedEvenOutsideTheTypeRange() {
        Registry.allocate("api", "rest-api", 8085, false).statusCode(200).body("allocation.port", equalTo(8085));
        Registry.allocate("odd", "custom", 12345, true).statusCode(200).body("allocation.port", equalTo(12345));
    }

    @Test
    void customServicesComeFromTheCustomRange() {
        Registry.allocate("tool", "custom").statusCode(200).body("allocation.port", equalTo(9000));
    }

    @Test
    void aTakenPreferredPortFallsBackToTheFirstFreeOneUnlessRequired() {
        Registry.allocate("first", "rest-api", 8080, false).statusCode(200).body("allocation.port", equalTo(8080));
        Registry.allocate("second", "rest-api", 8080, false).statusCode(200).body("allocation.port", equalTo(8081));
        String before = Registry.overview();

        Registry.allocate("third", "rest-api", 8080, true)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("success", equalTo(false))
                .body("detail", containsString("port 8080"))
                .body("message", containsString("'first'"));
        assertEquals(before, Registry.overview());
    }

    @Test
    void askingAgainReturnsTheSameAllocation() {
        Registry.Granted first = Registry.grant("restarting", "websocket");
        Registry.allocate("restarting", "websocket")
                .statusCode(200)
                .body("allocation.allocation_id", equalTo(first.allocationId()))
                .body("allocation.port", equalTo(first.port()))
                .body("message", containsString("already holds"));
        given().when().get("/ports/type/websocket").then().body("$", hasSize(1));
    }

    /**
     * Ids are version 7 UUIDs led by the allocation's time (issue 23: the store's id index then grows at its end),
     * and that time is the one the answer says.
     */
    @Test
    void anAllocationsIdIsATimeOrderedUuidOfItsAllocationTime() {
        var granted = Registry.allocate("timed", "custom").statusCode(200).extract();
        String id = granted.path("allocation.allocation_id");
        String allocatedAt = granted.path("allocation.allocated_at");
        UUID uuid = UUID.fromString(id);
        assertEquals(7, uuid.version());
        assertEquals(Instant.parse(allocatedAt).toEpochMilli(), uuid.getMostSignificantBits() >>> 16);

        clock.advance(Duration.ofSeconds(1));
        String later = Registry.allocate("timed-later", "custom").statusCode(200).extract()
                .path("allocation.allocation_id");
        assertTrue(later.compareTo(id) > 0, later + " sorts after " + id);
    }

    @Test
    void askingAgainAsAnotherTypeOrForAnotherRequiredPortIsAConflict() {
        Registry.Granted first = Registry.grant("svc", "cache");
        Registry.allocate("svc", "analytics").statusCode(409).body("detail", containsString("release allocation"));
        Registry.allocate("svc", "cache", first.port() + 1, true).statusCode(409)
                .body("detail", containsString("already holds port " + first.port()));
        Registry.allocate("svc", "cache", first.port() + 1, false).statusCode(200)
                .body("allocation.port", equalTo(first.port()));
    }

    @Test
    void aReleasedPortIsHandedOutAgain() {
        Registry.Granted first = Registry.grant("a", "security");
        Registry.release(first.allocationId()).statusCode(200);
        Registry.allocate("b", "security").statusCode(200).body("allocation.port", equalTo(first.port()));
        Registry.release(first.allocationId()).statusCode(404);
    }

    @Test
    void lookupsFindServicesByNamePortAndType() {
        Registry.Granted api = Registry.grant("orders", "rest-api");
        Registry.grant("users", "rest-api");
        Registry.grant("stream", "websocket");
        given().when().get("/ports/service/orders").then().statusCode(200)
                .body("port", equalTo(api.port())).body("allocation_id", equalTo(api.allocationId()));
        given().when().get("/ports/port/" + api.port()).then().statusCode(200).body("service_name", equalTo("orders"));
        given().when().get("/ports/type/rest-api").then().statusCode(200)
                .body("service_name", contains("orders", "users"));
        given().when().get("/ports/type/frontend").then().statusCode(200).body("$", hasSize(0));
        given().when().get("/ports/service/nobody").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("nobody"));
        given().when().get("/ports/port/1").then().statusCode(404);
    }

    @Test
    void rangesListEveryTypeWithItsUse() {
        Registry.grant("a", "cache");
        Registry.grant("b", "cache");
        given().when().get("/ports/ranges").then().statusCode(200)
                .body("size()", equalTo(9))
                .body("rest-api.first_port", equalTo(8080)).body("rest-api.last_port", equalTo(8099))
                .body("grpc.first_port", equalTo(50050)).body("grpc.last_port", equalTo(50099))
                .body("websocket.first_port", equalTo(8100)).body("websocket.last_port", equalTo(8199))
                .body("database.first_port", equalTo(5400)).body("database.last_port", equalTo(5499))
                .body("cache.first_port", equalTo(6300)).body("cache.last_port", equalTo(6399))
                .body("analytics.first_port", equalTo(8200)).body("analytics.last_port", equalTo(8299))
                .body("security.first_port", equalTo(8300)).body("security.last_port", equalTo(8399))
                .body("frontend.first_port", equalTo(3000)).body("frontend.last_port", equalTo(3099))
                .body("custom.first_port", equalTo(9000)).body("custom.last_port", equalTo(9999))
                .body("cache.in_use", equalTo(2)).body("cache.available", equalTo(98))
                .body("rest-api.in_use", equalTo(0));
    }

    @Test
    void statsAndHealthDescribeTheRegistry() {
        Registry.grant("a", "cache");
        Registry.grant("b", "grpc");
        given().when().get("/ports/stats").then().statusCode(200)
                .body("total_allocations", equalTo(2)).body("active_allocations", equalTo(2))
                .body("reserved_allocations", equalTo(0)).body("expired_allocations", equalTo(0))
                .body("service_types.cache", equalTo(1)).body("service_types.grpc", equalTo(1));
        given().when().get("/ports/health").then().statusCode(200)
                .body("status", equalTo("healthy")).body("store", equalTo("up"));
    }

    /**
     * On the test's clock, 20 s pass against a 10 s timeout while every service heartbeats: cleanup removes none.
     * That the time would have been enough is shown after: the one that then stops beating is removed. The clock
     * moves 4 s at a time, under half the timeout: the expiry pass runs on its own between a step and the heartbeats
     * that follow it, and a step of half the timeout or more would show it every service quiet at once, which is
     * self-preservation's sign of a partition (seen on PostgreSQL, where each heartbeat is a transaction).
     */
    @Test
    void cleanupRemovesNothingWhileEveryoneHeartbeats() {
        List<Registry.Granted> services = List.of(Registry.grant("alive", "cache"), Registry.grant("steady", "cache"),
                Registry.grant("sure", "cache"));
        for (int beat = 0; beat < 5; beat++) {
            clock.advance(Duration.ofSeconds(4));
            services.forEach(service -> Registry.heartbeat(service.allocationId()).statusCode(200));
        }
        given().when().post("/ports/cleanup").then().statusCode(200)
                .body("removed", equalTo(0)).body("success", equalTo("true"));
        given().when().get("/ports/service/alive").then().statusCode(200).body("status", equalTo("Active"));

        for (int beat = 0; beat < 3; beat++) { // "alive" falls silent; the other two, the host's majority, beat on
            clock.advance(Duration.ofSeconds(4));
            services.subList(1, 3).forEach(service -> Registry.heartbeat(service.allocationId()).statusCode(200));
        }
        given().when().post("/ports/cleanup").then().statusCode(200)
                .body("removed", equalTo(1)).body("removed_allocations.service_name", contains("alive"));
    }
}
