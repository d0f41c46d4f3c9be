package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON of lookups and ranges is written once and reused (api/WrittenAnswers): a change must still show in the
 * next answer, and the answer must be declared as Quarkus REST declares the JSON it writes itself.
 */
@QuarkusTest
class WrittenAnswersTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void aLookupAfterAChangeShowsTheChangeNotTheAnswerWrittenBefore() {
        Registry.Granted granted = Registry.grant("kept", "cache");
        for (int i = 0; i < 2; i++) { // the second answer is the one written for the first
            given().get("/ports/service/kept").then().statusCode(200)
                    .header("Content-Type", "application/json;charset=UTF-8").header("X-Sirsi-Instances", "1")
                    .body("status", equalTo("Active")).body("port", equalTo(granted.port()))
                    .body("allocation_id", equalTo(granted.allocationId()));
        }
        DrainTest.drain(granted.allocationId(), "{\"for\":\"1m\"}").statusCode(200);
        given().get("/ports/service/kept").then().statusCode(200).body("status", equalTo("Draining"));
        given().get("/ports/service/kept?stale").then().statusCode(200).body("status", equalTo("Draining"));
        DrainTest.undrain(granted.allocationId()).statusCode(200);
        given().get("/ports/service/kept").then().statusCode(200).body("status", equalTo("Active"));
    }

    @Test
    void theRangesAfterAnAllocationCountIt() {
        for (int i = 0; i < 2; i++) {
            given().get("/ports/ranges").then().statusCode(200)
                    .header("Content-Type", "application/json;charset=UTF-8")
                    .body("cache.in_use", equalTo(0)).body("rest-api.service_type", equalTo("rest-api"));
        }
        assertTrue(given().get("/ports/ranges").asString().startsWith("{\"rest-api\":"), "the spec's order");
        Registry.grant("counted", "cache");
        given().get("/ports/ranges").then().statusCode(200).body("cache.in_use", equalTo(1));
        given().get("/ports/ranges?host=localhost").then().statusCode(200).body("cache.in_use", equalTo(1));
    }
}
