package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Draining over HTTP: discovery stops offering the instance at once, the port is kept, heartbeats and a service
 * asking again do not end it, the drain time releases it, undrain puts it back; every mistake is a 4xx that changes
 * nothing. Time is the test's ({@link TestClock}); heartbeats time out after 10 s of it.
 */
@QuarkusTest
@TestProfile(InjectedTimeProfile.class)
class DrainTest {

    @Inject
    TestClock clock;

    @BeforeEach
    void emptyRegistry() {
        given().contentType(ContentType.JSON).body("{\"host\":\"rack-7\"}").post("/ports/undrain");
        Registry.releaseAll();
    }

    @Test
    void aDrainedInstanceLeavesDiscoveryAtOnceAndKeepsItsPort() throws Exception {
        try (EventStream stream = EventStream.open("http://localhost:" + RestAssured.port,
                "/ports/events?service=worker", Map.of())) {
            Registry.Granted granted = Registry.grant("worker", "cache");
            assertEquals(List.of("allocated"), types(stream.next(1)));
            drain(granted.allocationId(), "{\"for\":\"30s\",\"reason\":\"deploy 42\"}").statusCode(200)
                    .body("allocation.status", equalTo("Draining")).body("reason", equalTo("deploy 42"))
                    .body("until", equalTo(clock.instant().truncatedTo(ChronoUnit.MILLIS).plusSeconds(30)
                            .toString()));
            List<EventStream.Event> draining = stream.next(1);
            assertEquals(List.of("draining"), types(draining));
            assertEquals("Draining", draining.get(0).data().path("allocation").path("status").asText());
            given().when().get("/ports/instances/worker?status=Active").then().statusCode(200)
                    .body("size()", equalTo(0));
            given().when().get("/ports/sd/prometheus").then().statusCode(200)
                    .body("labels.__meta_sirsi_service", not(hasItem("worker")));
            given().when().get("/ports/service/worker").then().body("status", equalTo("Draining"))
                    .body("port", equalTo(granted.port()));
            Registry.allocate("other", "cache", granted.port(), true).statusCode(409);
            // counted as what it is: held, not active
            given().when().get("/ports/stats").then().body("draining_allocations", equalTo(1))
                    .body("active_allocations", equalTo(0)).body("total_allocations", equalTo(1));
            given().when().get("/ports/hosts").then().body("localhost.draining_allocations", equalTo(1));
        }
    }

    @Test
    void theDrainTimeReleasesThePortAndNeitherHeartbeatsNorAskingAgainEndIt() throws Exception {
        Registry.Granted granted = Registry.grant("leaving", "cache");
        drain(granted.allocationId(), "{\"for\":\"1m\"}").statusCode(200);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(11));
            Registry.heartbeat(granted.allocationId()).statusCode(200);
            Registry.allocate("leaving", "cache").statusCode(200).body("allocation.status", equalTo("Draining"));
        }
        given().when().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(0));
        given().when().get("/ports/service/leaving").then().statusCode(200).body("status", equalTo("Draining"));
        clock.advance(Duration.ofSeconds(6));
        awaitGone("leaving");
        Registry.heartbeat(granted.allocationId()).statusCode(404);
    }

    @Test
    void aDrainedInstanceThatStopsHeartbeatingIsNotExpiredButReleasedWhenItsTimeEnds() throws Exception {
        Registry.Granted granted = Registry.grant("silent", "cache");
        drain(granted.allocationId(), "{}").statusCode(200); // the configured drain timeout: 5 minutes
        clock.advance(Duration.ofMinutes(4));
        Registry.grant("bystander", "cache"); // a change after the expiry pass has seen the new time
        given().when().get("/ports/service/silent").then().body("status", equalTo("Draining"));
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        awaitGone("silent");
    }

    @Test
    void undrainPutsItBackIntoServiceAndItsTimeNoLongerCounts() throws Exception {
        Registry.Granted granted = Registry.grant("back", "cache");
        drain(granted.allocationId(), "{\"for\":\"20s\"}").statusCode(200);
        undrain(granted.allocationId()).statusCode(200);
        given().when().get("/ports/instances/back?status=Active").then().body("size()", equalTo(1));
        given().when().get("/ports/sd/prometheus").then().body("labels.__meta_sirsi_service", hasItem("back"));
        clock.advance(Duration.ofSeconds(9));
        Registry.heartbeat(granted.allocationId()).statusCode(200);
        clock.advance(Duration.ofSeconds(9));
        Registry.heartbeat(granted.allocationId()).statusCode(200);
        Registry.grant("bystander", "cache");
        given().when().get("/ports/service/back").then().statusCode(200).body("status", equalTo("Active"));
        problem(undrain(granted.allocationId()), 409, "not Draining");
    }

    /** An Expired allocation takes no work: draining it would only keep its port from cleanup. */
    @Test
    void anExpiredAllocationDoesNotDrainAndAHostMaintenancePassesItBy() throws Exception {
        Registry.Granted lapsed = Registry.grant("lapsed", "cache");
        clock.advance(Duration.ofSeconds(11));
        Registry.grant("bystander", "cache");
        ExpiryTest.awaitStatus("lapsed", "Expired");
        String before = Registry.overview();
        problem(drain(lapsed.allocationId(), "{}"), 409, "is Expired");
        assertEquals(before, Registry.overview());
        try {
            drainHost("localhost", "").statusCode(200).body("drained.service_name", contains("bystander"));
            given().when().get("/ports/service/lapsed").then().body("status", equalTo("Expired"));
        } finally {
            undrainHost("localhost").statusCode(200);
        }
    }

    @Test
    void mistakesAreProblemsThatChangeNothing() {
        Registry.Granted granted = Registry.grant("careful", "cache");
        String before = Registry.overview();
        problem(drain("6f1c1b7e-0000-4000-8000-000000000000", "{}"), 404, "no allocation");
        problem(drain("not-a-uuid", "{}"), 400, "allocation_id");
        problem(undrain("6f1c1b7e-0000-4000-8000-000000000000"), 404, "no allocation");
        problem(given().contentType(ContentType.JSON).when().post("/ports/drain").then(), 400, "body");
        assertEquals(before, Registry.overview());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"for\":\"soon\"|invalid for",
            "\"for\":\"-5s\"|invalid for",
            "\"for\":\"0s\"|more than 0s",
            "\"for\":\"31d\"|at most 30d; got 31d",
            "\"for\":\"45000m\"|at most 30d; got 750h",
            "\"for\":30|must be a string",
            "\"reason\":\"\"|reason",
            "\"reason\":\"a\\nb\"|reason"})
    void badDurationsAndReasonsAre400s(String field, String detail) {
        Registry.Granted granted = Registry.grant("picky", "cache");
        String before = Registry.overview();
        problem(drain(granted.allocationId(), "{" + field + "}"), 400, detail);
        assertEquals(before, Registry.overview());
    }

    @Test
    void hostMaintenanceDrainsItsAllocationsAndRefusesNewOnesUntilItEnds() throws Exception {
        grantOn("rack-7", "first");
        Registry.Granted second = grantOn("rack-7", "second");
        Registry.grant("elsewhere", "cache");
        String until = clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofMinutes(10)).toString();
        drainHost("rack-7", "\"for\":\"10m\",\"reason\":\"kernel update\"").statusCode(200)
                .body("host", equalTo("rack-7")).body("until", equalTo(until))
                .body("drained.service_name", contains("first", "second"))
                .body("drained.status", everyItem(equalTo("Draining")));
        given().when().get("/ports/service/elsewhere").then().body("status", equalTo("Active"));
        given().when().get("/ports/hosts").then().body("'rack-7'.maintenance.until", equalTo(until))
                .body("'rack-7'.maintenance.reason", equalTo("kernel update"))
                .body("'rack-7'.draining_allocations", equalTo(2)).body("localhost.maintenance", nullValue());
        problem(allocateOn("rack-7", "newcomer"), 409, "host rack-7 is in maintenance until " + until
                + " (kernel update)");
        allocateOn("rack-7", "first").statusCode(200).body("allocation.status", equalTo("Draining"));
        Registry.grant("newcomer", "cache");
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        awaitGone("first", "rack-7");
        awaitGone("second", "rack-7");
        Registry.heartbeat(second.allocationId()).statusCode(404);
        allocateOn("rack-7", "newcomer").statusCode(200).body("allocation.status", equalTo("Active"));
    }

    @Test
    void undrainingAHostEndsItsMaintenanceAndPutsItsAllocationsBack() {
        Registry.Granted first = grantOn("rack-7", "first");
        drainHost("rack-7", "").statusCode(200).body("drained.size()", equalTo(1));
        undrainHost("rack-7").statusCode(200).body("message", containsString("undrained 1 allocation"));
        given().queryParam("host", "rack-7").when().get("/ports/service/first").then()
                .body("status", equalTo("Active")).body("allocation_id", equalTo(first.allocationId()));
        allocateOn("rack-7", "newcomer").statusCode(200);
        problem(undrainHost("rack-7"), 409, "not in maintenance");
    }

    /** A host that holds nothing yet can be put in maintenance, and is listed as a host from then on. */
    @Test
    void aHostThatHoldsNothingCanBeInMaintenanceAndIsListed() {
        drainHost("rack-7", "\"for\":\"1h\"").statusCode(200).body("drained.size()", equalTo(0));
        given().when().get("/ports/hosts").then().body("'rack-7'.total_allocations", equalTo(0))
                .body("'rack-7'.maintenance.until", notNullValue()).body("'rack-7'.maintenance.reason", nullValue());
        problem(allocateOn("rack-7", "newcomer"), 409, "host rack-7 is in maintenance");
        undrainHost("RACK-7").statusCode(200).body("message", containsString("Host rack-7 out of maintenance"));
        given().when().get("/ports/hosts").then().body("'rack-7'", nullValue());
    }

    @Test
    void instancesListADrainingOneAfterTheActiveOnes() {
        Registry.Granted here = grantOn("localhost", "spread");
        grantOn("rack-7", "spread");
        given().when().get("/ports/instances/spread").then().body("host", contains("localhost", "rack-7"));
        drain(here.allocationId(), "{}").statusCode(200);
        given().when().get("/ports/instances/spread").then().body("host", contains("rack-7", "localhost"))
                .body("status", contains("Active", "Draining"));
    }

    @Test
    void aHostOrAnAllocationButNotBothNorNeither() {
        Registry.Granted granted = Registry.grant("either", "cache");
        String before = Registry.overview();
        problem(given().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + granted.allocationId()
                + "\",\"host\":\"rack-7\"}").post("/ports/drain").then(), 400, "exactly one");
        problem(given().contentType(ContentType.JSON).body("{\"for\":\"1m\"}").post("/ports/drain").then(), 400,
                "exactly one");
        problem(given().contentType(ContentType.JSON).body("{}").post("/ports/undrain").then(), 400, "exactly one");
        problem(drainHost("not a host!", ""), 400, "host");
        problem(drainHost("rack-7", "\"for\":\"1x\""), 400, "invalid for");
        assertEquals(before, Registry.overview());
        allocateOn("rack-7", "unhindered").statusCode(200);
    }

    private static Registry.Granted grantOn(String host, String name) {
        var body = allocateOn(host, name).statusCode(200).extract().jsonPath();
        return new Registry.Granted(body.getInt("allocation.port"), body.getString("allocation.allocation_id"));
    }

    private static ValidatableResponse allocateOn(String host, String name) {
        return Registry.allocate("{\"service_name\":\"" + name + "\",\"service_type\":\"cache\",\"host\":\""
                + host + "\"}");
    }

    private static ValidatableResponse drainHost(String host, String fields) {
        return given().contentType(ContentType.JSON).body("{\"host\":\"" + host + "\""
                + (fields.isEmpty() ? "" : "," + fields) + "}").when().post("/ports/drain").then();
    }

    private static ValidatableResponse undrainHost(String host) {
        return given().contentType(ContentType.JSON).body("{\"host\":\"" + host + "\"}").when()
                .post("/ports/undrain").then();
    }

    static ValidatableResponse drain(String allocationId, String fields) {
        String rest = fields.substring(1, fields.length() - 1);
        return given().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + allocationId + "\""
                + (rest.isEmpty() ? "" : "," + rest) + "}").when().post("/ports/drain").then();
    }

    static ValidatableResponse undrain(String allocationId) {
        return given().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + allocationId + "\"}")
                .when().post("/ports/undrain").then();
    }

    private static void problem(ValidatableResponse response, int status, String detail) {
        response.statusCode(status).contentType("application/problem+json").body("detail", containsString(detail));
    }

    /** Waits (in real time, bounded) for the drain pass, which runs every 100 ms, to have seen the test's time. */
    private static void awaitGone(String service) {
        awaitGone(service, "localhost");
    }

    private static void awaitGone(String service, String host) {
        await().alias(service + " released").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> given().queryParam("host", host).when().get("/ports/service/" + service).then()
                        .extract().statusCode() == 404);
    }

    private static List<String> types(List<EventStream.Event> events) {
        return events.stream().map(EventStream.Event::type).toList();
    }
}
