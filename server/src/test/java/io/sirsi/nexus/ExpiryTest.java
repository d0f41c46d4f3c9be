package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Active, Expired, revived by a heartbeat, removed by cleanup; each logged as it happens. Time is the test's
 * ({@link TestClock}): it passes only when the test moves it, however slow the machine.
 */
@QuarkusTest
@TestProfile(InjectedTimeProfile.class)
class ExpiryTest {

    private static final Duration PAST_THE_TIMEOUT = Duration.ofSeconds(11);

    @Inject
    TestClock clock;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void anAllocationWithoutHeartbeatsExpiresButKeepsItsPort() throws InterruptedException {
        Registry.Granted granted = Registry.grant("quiet", "cache");
        clock.advance(Duration.ofSeconds(9));
        Registry.grant("bystander", "cache");
        // cleanup runs the expiry pass before it removes anything: 9 s of 10 is not yet expired
        given().when().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(0));
        given().when().get("/ports/service/quiet").then().body("status", equalTo("Active"));
        clock.advance(Duration.ofSeconds(2));
        awaitStatus("quiet", "Expired");
        given().when().get("/ports/stats").then().body("expired_allocations", equalTo(1))
                .body("active_allocations", equalTo(1));
        Registry.allocate("other", "cache", granted.port(), true).statusCode(409);
    }

    @Test
    void aHeartbeatRevivesAnExpiredAllocation() throws InterruptedException {
        Registry.Granted granted = Registry.grant("sleepy", "cache");
        clock.advance(PAST_THE_TIMEOUT);
        awaitStatus("sleepy", "Expired");
        Registry.heartbeat(granted.allocationId()).statusCode(200);
        given().when().get("/ports/service/sleepy").then().body("status", equalTo("Active"))
                .body("allocation_id", equalTo(granted.allocationId()));
    }

    @Test
    void cleanupRemovesExpiredAllocationsOnlyAndFreesTheirPorts() {
        Registry.Granted gone = Registry.grant("gone", "analytics");
        Registry.Granted kept = Registry.grant("kept", "analytics");
        clock.advance(Duration.ofSeconds(6));
        Registry.heartbeat(kept.allocationId()).statusCode(200);
        clock.advance(Duration.ofSeconds(6));
        given().when().post("/ports/cleanup").then().statusCode(200)
                .body("removed", equalTo(1))
                .body("removed_allocations.service_name", contains("gone"));
        given().when().get("/ports/service/gone").then().statusCode(404);
        given().when().get("/ports/service/kept").then().statusCode(200).body("status", equalTo("Active"));
        Registry.heartbeat(gone.allocationId()).statusCode(404);
        Registry.allocate("newcomer", "analytics").statusCode(200).body("allocation.port", equalTo(gone.port()));
    }

    /** Expiry is a change of its own: logged when the timeout passes, not when cleanup runs. */
    @Test
    void expiryRevivalAndRemovalAreEventsOfTheirOwn() throws Exception {
        try (EventStream stream = EventStream.open("http://localhost:" + RestAssured.port,
                "/ports/events?service=flaky", Map.of())) {
            Registry.Granted granted = Registry.grant("flaky", "cache");
            assertEquals(List.of("allocated"), types(stream.next(1)));
            clock.advance(PAST_THE_TIMEOUT);
            List<EventStream.Event> expired = stream.next(1);
            assertEquals(List.of("expired"), types(expired));
            assertEquals("Expired", expired.get(0).data().path("allocation").path("status").asText());
            given().when().get("/ports/service/flaky").then().body("status", equalTo("Expired"));
            Registry.heartbeat(granted.allocationId()).statusCode(200);
            assertEquals(List.of("revived"), types(stream.next(1)));
            clock.advance(PAST_THE_TIMEOUT);
            assertEquals(List.of("expired"), types(stream.next(1)));
            given().when().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(1));
            List<EventStream.Event> removed = stream.next(1);
            assertEquals(List.of("removed"), types(removed));
            assertEquals("Expired", removed.get(0).data().path("allocation").path("status").asText());
            assertEquals(List.of(), stream.pending(), "each change is logged once");
        }
    }

    private static List<String> types(List<EventStream.Event> events) {
        return events.stream().map(EventStream.Event::type).toList();
    }

    /** Waits (in real time, bounded) for the expiry pass, which runs every 100 ms, to have seen the test's time. */
    static void awaitStatus(String service, String status) throws InterruptedException {
        await().alias(service + " " + status).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(given().when().get("/ports/service/" + service).then().statusCode(200)
                        .extract().path("status")));
    }
}
