package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/** The SD endpoint with API keys, a static reservation and allocations that expire. */
@QuarkusTest
@TestProfile(PrometheusSdProfile.class)
class PrometheusSdStatusTest {

    @jakarta.inject.Inject
    TestClock clock;

    @Test
    void aReaderKeySentAsBearerTokenIsEnoughAndNoKeyIs401() {
        as(ApiKeysProfile.READER_KEY).get("/ports/sd/prometheus").then().statusCode(200)
                .header("Content-Type", "application/json");
        given().get("/ports/sd/prometheus").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer not-a-key").get("/ports/sd/prometheus").then().statusCode(401);
    }

    @Test
    void onlyActiveByDefaultAndExpiredOrReservedWhenAsked() throws InterruptedException {
        as(ApiKeysProfile.WRITER_KEY).contentType(ContentType.JSON)
                .body("{\"service_name\":\"quiet\",\"service_type\":\"cache\"}").post("/ports/allocate")
                .then().statusCode(200);
        clock.advance(java.time.Duration.ofSeconds(11)); // past the heartbeat timeout
        awaitExpired("quiet"); // the expiry pass runs every 100 ms
        sd("").body("$", empty());
        sd("?status=Expired").body("labels.__meta_sirsi_service", contains("quiet"))
                .body("labels.__meta_sirsi_status", contains("Expired"));
        sd("?status=Reserved").body("targets.flatten()", contains("localhost:5432"))
                .body("labels.__meta_sirsi_type", contains("database"));
        sd("?status=Reserved&status=Expired").body("labels.__meta_sirsi_service",
                containsInAnyOrder("postgres", "quiet"));
        sd("?status=Reserved&type=cache").body("size()", equalTo(0));
    }

    private static void awaitExpired(String service) throws InterruptedException {
        await().alias(service + " expired").atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(50)).until(() -> "Expired".equals(
                        as(ApiKeysProfile.READER_KEY).get("/ports/service/" + service).then().statusCode(200)
                                .extract().path("status")));
    }

    private static io.restassured.response.ValidatableResponse sd(String query) {
        return as(ApiKeysProfile.READER_KEY).get("/ports/sd/prometheus" + query).then().statusCode(200);
    }

    private static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }
}
