package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Self-preservation per host, on the test's clock: a host whose services all go quiet at once (a partition, a
 * clock jump) keeps its allocations; services that fail one by one expire as before; a small host is exempt; an
 * admin can force the cleanup.
 */
@QuarkusTest
@TestProfile(InjectedTimeProfile.class)
class SelfPreservationTest {

    @Inject
    TestClock clock;

    @BeforeEach
    void emptyRegistry() throws InterruptedException {
        Registry.releaseAll();
        awaitSelfPreservation(List.of()); // a previous test's hold ends once its allocations are gone
    }

    private static List<Registry.Granted> grant(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> Registry.grant(prefix + "-" + i, "cache")).toList();
    }

    @Test
    void aClockJumpHoldsTheHostUntilHeartbeatsComeBack() throws InterruptedException {
        List<Registry.Granted> services = grant("jumped", 4);
        double before = Metrics.scrape().get("sirsi_self_preservation{host=\"localhost\"}");
        assertEquals(0.0, before);
        clock.advance(Duration.ofHours(1));
        awaitSelfPreservation(List.of("localhost"));
        for (int i = 0; i < 4; i++) {
            given().when().get("/ports/service/jumped-" + i).then().body("status", equalTo("Active"));
        }
        given().when().get("/ports/health").then().statusCode(200).body("status", equalTo("healthy"));
        assertEquals(1.0, Metrics.scrape().get("sirsi_self_preservation{host=\"localhost\"}"));

        for (int i = 0; i < 3; i++) { // the partition heals: three of four are heard from again
            Registry.heartbeat(services.get(i).allocationId()).statusCode(200);
        }
        awaitSelfPreservation(List.of());
        // the fourth's silence during the hold does not count: it gets a whole timeout from the end of the hold
        given().when().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(0));
        given().when().get("/ports/service/jumped-3").then().body("status", equalTo("Active"));
        clock.advance(Duration.ofSeconds(11));
        for (int i = 0; i < 3; i++) {
            Registry.heartbeat(services.get(i).allocationId()).statusCode(200);
        }
        given().when().post("/ports/cleanup").then().statusCode(200)
                .body("removed_allocations.service_name", contains("jumped-3"));
        assertEquals(0.0, Metrics.scrape().get("sirsi_self_preservation{host=\"localhost\"}"));
    }

    @Test
    void servicesThatFailOneByOneExpireAsBefore() {
        List<Registry.Granted> services = grant("steady", 4);
        for (int beat = 0; beat < 4; beat++) { // three heartbeat every 3 s (a third of the timeout); one is silent
            clock.advance(Duration.ofSeconds(3));
            for (int i = 0; i < 3; i++) {
                Registry.heartbeat(services.get(i).allocationId()).statusCode(200);
            }
        }
        given().when().post("/ports/cleanup").then().statusCode(200)
                .body("removed_allocations.service_name", contains("steady-3"));
        given().when().get("/ports/health").then().body("self_preservation", empty());
    }

    @Test
    void aHostWithFewerThanThreeAllocationsIsExempt() {
        grant("small", 2);
        clock.advance(Duration.ofHours(1));
        given().when().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(2));
        given().when().get("/ports/health").then().body("self_preservation", empty());
    }

    @Test
    void anAdminCanForceTheCleanupOfAHeldHost() throws InterruptedException {
        grant("held", 3);
        clock.advance(Duration.ofHours(1));
        awaitSelfPreservation(List.of("localhost"));
        given().when().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(0));
        given().when().post("/ports/cleanup?force=true").then().statusCode(200).body("removed", equalTo(3));
        given().when().post("/ports/cleanup?force=yes").then().statusCode(400)
                .contentType("application/problem+json");
    }

    /** Waits (bounded) for the expiry pass, every 100 ms, to have put exactly these hosts in self-preservation. */
    private static void awaitSelfPreservation(List<String> hosts) throws InterruptedException {
        await().alias("self-preservation on " + hosts).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> hosts.equals(given().when().get("/ports/health")
                        .then().statusCode(200).extract().jsonPath().getList("self_preservation")));
    }
}
