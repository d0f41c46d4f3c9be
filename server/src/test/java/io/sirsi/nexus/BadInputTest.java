package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed request gets a 4xx problem+json answer and leaves the registry as it was. */
@QuarkusTest
class BadInputTest {

    private static final String HELD_ID = "held-service";

    @BeforeEach
    void oneServiceRegistered() {
        Registry.releaseAll();
        Registry.allocate(HELD_ID, "rest-api", 8080, true).statusCode(200);
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"service_name\":\"" + "a".repeat(20_000) + "\",\"service_type\":\"rest-api\"}";
        return Stream.of(
                allocate("not JSON at all", 400),
                allocate("{", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\"} trailing", 400),
                allocate("[]", 400),
                allocate("\"a string\"", 400),
                allocate("42", 400),
                allocate("null", 400),
                allocate("", 400),
                allocate("{}", 400),
                allocate("{\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"x\"}", 400),
                allocate("{\"service_name\":null,\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"Upper\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"-dash\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"dash-\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"has space\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"../etc\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"" + "a".repeat(64) + "\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"caf\u00e9\",\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":42,\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":[\"x\"],\"service_type\":\"rest-api\"}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"soap\"}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"REST-API\"}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":7}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"preferred_port\":0}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"preferred_port\":-1}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"preferred_port\":65536}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"preferred_port\":99999999999}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"preferred_port\":\"8080\"}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"preferred_port\":8080.5}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"required\":\"true\"}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"required\":1}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"process_id\":-5}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"colour\":\"blue\"}", 400),
                allocate("{\"service_name\":\"x\",\"service_type\":\"rest-api\",\"preferred_port\":8080,"
                        + "\"required\":true}", 409),
                allocate(big, 413),
                post("/ports/allocate", "text/plain", "{\"service_name\":\"x\",\"service_type\":\"rest-api\"}", 415),
                post("/ports/release", "application/json", "{}", 400),
                post("/ports/release", "application/json", "{\"allocation_id\":\"nope\"}", 400),
                post("/ports/release", "application/json", "{\"allocation_id\":42}", 400),
                post("/ports/release", "application/json", "{\"allocation_id\":\"1-1-1-1-1\"}", 400),
                post("/ports/release", "application/json",
                        "{\"allocation_id\":\"00000000-0000-0000-0000-000000000000\"}", 404),
                post("/ports/release", "application/json", "not json", 400),
                post("/ports/heartbeat/not-a-uuid", null, null, 400),
                post("/ports/heartbeat/00000000-0000-0000-0000-000000000000", null, null, 404),
                post("/ports/heartbeat/", null, null, 404),
                post("/ports/cleanup", "application/json", "{\"force\":true}", 400),
                post("/ports/cleanup", "application/json", "{}", 400),
                get("/ports/port/abc", 400),
                get("/ports/port/0", 400),
                get("/ports/port/65536", 400),
                get("/ports/port/-1", 400),
                get("/ports/port/8080.0", 400),
                get("/ports/port/1", 404),
                get("/ports/service/UPPER", 400),
                get("/ports/service/..", 404),
                get("/ports/service/%E2%98%83", 400),
                get("/ports/service/nobody", 404),
                get("/ports/type/soap", 400),
                get("/ports/nothing-here", 404),
                get("/ports/../etc/passwd", 404),
                Arguments.of("DELETE", "/ports/directory", null, null, 405),
                Arguments.of("GET", "/ports/allocate", null, null, 405));
    }

    @ParameterizedTest(name = "{0} {1} {3} -> {4}")
    @MethodSource("badRequests")
    void isRejectedAndChangesNothing(String method, String path, String contentType, String body, int status) {
        String before = Registry.overview();
        RequestSpecification request = given().urlEncodingEnabled(false);
        if (contentType != null) {
            request = request.contentType(contentType);
        }
        if (body != null) {
            request = request.body(body);
        }
        request.when().request(method, path).then()
                .statusCode(status)
                .statusCode(greaterThanOrEqualTo(400)).statusCode(lessThan(500))
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("success", equalTo(false))
                .body("title", not(emptyOrNullString()))
                .body("detail", not(emptyOrNullString()))
                .body("message", not(emptyOrNullString()));
        assertEquals(before, Registry.overview());
    }

    /**
     * Cleanup reads no body and refuses one: a client that thinks it sends options learns it does not. A heartbeat
     * is never refused for its body: a service whose heartbeats were refused would lose its port.
     */
    @Test
    void cleanupRefusesABodyAndAHeartbeatIgnoresOne() {
        String id = given().get("/ports/service/" + HELD_ID).then().statusCode(200).extract().path("allocation_id");
        given().contentType("application/json").body("{\"force\":true}").post("/ports/cleanup").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("POST /ports/cleanup takes no body"))
                .body("detail", containsString("?force=true"));
        given().contentType("application/json").body("{\"ttl\":30}").post("/ports/heartbeat/" + id).then()
                .statusCode(200);
        // no body, or an empty one with a type (as curl -d '' sends): as before
        given().contentType("application/json").body("").post("/ports/cleanup").then().statusCode(200);
        given().post("/ports/heartbeat/" + id).then().statusCode(200);
    }

    private static Arguments allocate(String body, int status) {
        return post("/ports/allocate", "application/json", body, status);
    }

    private static Arguments post(String path, String contentType, String body, int status) {
        return Arguments.of("POST", path, contentType, body, status);
    }

    private static Arguments get(String path, int status) {
        return Arguments.of("GET", path, null, null, status);
    }
}
