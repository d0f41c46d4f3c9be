package io.sirsi.nexus.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.sirsi.nexus.Registry;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What allocate, release, heartbeat, a lookup by name and the ranges answer, whole: status, type, headers and body. Run twice, with the direct
 * routes ({@link DirectRoutesTest}) and without them ({@link JaxRsRegistrationTest}): the same assertions holding for
 * both is what says the routes answer as the JAX-RS methods do.
 */
abstract class RegistrationAnswersContract {

    static final String JSON = "application/json;charset=UTF-8";
    static final String PROBLEM = "application/problem+json";
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String TIME_PATTERN = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";

    @Inject
    DirectRoutes routes;

    /** How many requests the direct routes answered during {@code requests}. */
    abstract void expectServed(long served, String what);

    @Test
    void aRegistrationsLifeIsAnsweredInFull() {
        long before = routes.served();
        String name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        ExtractableResponse<Response> granted = Registry.allocate(name, "custom").statusCode(200)
                .contentType(equalTo(JSON)).header(BlockingReads.HEADER, matchesPattern("\\d+")).extract();
        String id = granted.path("allocation.allocation_id");
        int port = granted.path("allocation.port");
        assertEquals("{\"success\":true,\"allocation\":{\"port\":" + port + ",\"service_name\":\"" + name
                + "\",\"service_type\":\"custom\",\"allocation_id\":\"ID\",\"allocated_at\":\"T\","
                + "\"last_heartbeat\":\"T\",\"status\":\"Active\",\"process_id\":null,\"host\":\"localhost\"},"
                + "\"message\":\"Port allocated successfully\"}", normalised(granted.asString()));

        Registry.allocate(name, "custom").statusCode(200).contentType(equalTo(JSON))
                .body("allocation.allocation_id", equalTo(id))
                .body("message", equalTo("Service already holds this port; allocation renewed"));

        Registry.allocate(name + "-b", "custom", port, true).statusCode(409).contentType(equalTo(PROBLEM))
                .header(BlockingReads.HEADER, matchesPattern("\\d+"))
                .body("type", equalTo("urn:sirsi-nexus:problem:conflict")).body("status", equalTo(409))
                .body("success", equalTo(false))
                .body("detail", containsString("port " + port + " is not available: held by service '" + name));

        String found = given().get("/ports/service/" + name).then().statusCode(200).contentType(equalTo(JSON))
                .header(BlockingReads.HEADER, matchesPattern("\\d+")).header("X-Sirsi-Instances", "1")
                .extract().asString();
        assertEquals("{\"port\":" + port + ",\"service_name\":\"" + name + "\",\"service_type\":\"custom\","
                + "\"allocation_id\":\"ID\",\"allocated_at\":\"T\",\"last_heartbeat\":\"T\",\"status\":\"Active\","
                + "\"process_id\":null,\"host\":\"localhost\"}", normalised(found));

        String stale = given().get("/ports/service/" + name + "?stale").then().statusCode(200)
                .contentType(equalTo(JSON)).header("X-Sirsi-Instances", "1")
                .header("X-Sirsi-Lag", matchesPattern("\\d+")) // 0 on SQLite; PostgreSQL's follower may lag
                .header("X-Sirsi-Revision", matchesPattern("\\d+")).extract().asString();
        assertEquals(found, stale);

        given().get("/ports/ranges").then().statusCode(200).contentType(equalTo(JSON))
                .header(BlockingReads.HEADER, matchesPattern("\\d+"))
                .body("custom.service_type", equalTo("custom")).body("custom.first_port", equalTo(9000))
                .body("custom.in_use", greaterThanOrEqualTo(1));

        String alive = Registry.heartbeat(id).statusCode(200).contentType(equalTo(JSON))
                .header(BlockingReads.HEADER, matchesPattern("\\d+")).extract().asString();
        assertEquals("{\"success\":\"true\",\"message\":\"Heartbeat successful\"}", alive);

        String released = Registry.release(id).statusCode(200).contentType(equalTo(JSON))
                .header(BlockingReads.HEADER, matchesPattern("\\d+")).extract().asString();
        assertEquals("{\"success\":\"true\",\"message\":\"Port released successfully\"}", released);

        Registry.release(id).statusCode(404).contentType(equalTo(PROBLEM))
                .body("type", equalTo("urn:sirsi-nexus:problem:not-found"))
                .body("detail", equalTo("no allocation with id " + id));
        Registry.heartbeat(id).statusCode(404).contentType(equalTo(PROBLEM))
                .body("detail", equalTo("no allocation with id " + id));
        given().get("/ports/service/" + name).then().statusCode(404).contentType(equalTo(PROBLEM))
                .header(BlockingReads.HEADER, matchesPattern("\\d+"))
                .body("detail", equalTo("no service named '" + name + "' is registered"));
        expectServed(routes.served() - before, "two allocations, a refused one, a lookup, a stale one, the ranges, a heartbeat, a release,"
                + " and a release, a heartbeat and a lookup of an allocation that is gone");
    }

    @Test
    void badRequestsAndQueriesAreTheJaxRsMethodsToAnswer() {
        long before = routes.served();
        Registry.allocate("{\"service_name\":\"contract-bad\",\"service_type\":\"custom\",\"x\":1}").statusCode(400)
                .contentType(equalTo(PROBLEM)).body("type", equalTo("urn:sirsi-nexus:problem:invalid-json"))
                .body("detail", containsString("unknown field 'x'"));
        Registry.allocate("{\"service_name\":\"contract-bad\",\"service_type\":\"no-such-type\"}").statusCode(400)
                .body("detail", containsString("unknown service_type 'no-such-type'"));
        Registry.allocate("{\"service_name\":\"contract-bad\",").statusCode(400)
                .body("type", equalTo("urn:sirsi-nexus:problem:invalid-json"));
        Registry.allocate("null").statusCode(400)
                .body("detail", equalTo("request body is required: a JSON object"));
        given().contentType(ContentType.TEXT).body("{\"service_name\":\"contract-bad\",\"service_type\":\"custom\"}")
                .post("/ports/allocate").then().statusCode(415).contentType(equalTo(PROBLEM));
        given().contentType(ContentType.JSON).body("{\"allocation_id\":\"not-an-id\"}").post("/ports/release")
                .then().statusCode(400).body("detail", containsString("allocation_id must be a UUID"));
        Registry.heartbeat("not-an-id").statusCode(400).body("detail", containsString("allocation_id must be a UUID"));
        given().get("/ports/release").then().statusCode(405).header("Allow", "OPTIONS, POST");
        given().get("/ports/service/Not_A_Name").then().statusCode(400).contentType(equalTo(PROBLEM))
                .body("detail", containsString("invalid service_name 'Not_A_Name'"));
        given().get("/ports/service/contract-none?stale=maybe").then().statusCode(400)
                .body("detail", containsString("stale"));
        given().get("/ports/ranges?host=localhost").then().statusCode(200).contentType(equalTo(JSON));
        given().get("/ports/service/contract-none?host=localhost").then().statusCode(404)
                .body("detail", equalTo("no service named 'contract-none' is registered on host localhost"));
        assertEquals(0, routes.served() - before, "a request the JAX-RS methods refuse is theirs to answer");
    }

    /** The body with the allocation id and times, which differ from run to run, replaced. */
    private static String normalised(String body) {
        return body.replaceAll(UUID_PATTERN, "ID").replaceAll(TIME_PATTERN, "T");
    }
}
