package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code sirsi.ports.agents.not-listening-action=release}: an allocation whose port stayed silent for the configured
 * number of reports (2 here) is released, freeing its port; one silent report is not enough.
 */
@QuarkusTest
@TestProfile(NotListeningReleaseTest.ReleaseProfile.class)
class NotListeningReleaseTest {

    /** Protected mode (a local client may report for any host), release after two silent reports. */
    public static class ReleaseProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sirsi.ports.agents.not-listening-after", "2",
                    "sirsi.ports.agents.not-listening-action", "release");
        }
    }

    private static void report(String host, String listeners) {
        given().contentType(ContentType.JSON).body("{\"agent_version\":\"test\",\"scanned_at\":"
                        + "\"2026-12-05T01:00:00Z\",\"listeners\":[" + listeners + "]}")
                .when().post("/ports/hosts/" + host + "/report").then().statusCode(200);
    }

    @Test
    void anAllocationSilentForTheConfiguredReportsIsReleased() {
        int port = Registry.allocate("{\"service_name\":\"crashed\",\"service_type\":\"cache\",\"host\":\"node-r\"}")
                .statusCode(200).extract().jsonPath().getInt("allocation.port");
        report("node-r", "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":" + port + ",\"pid\":42}");
        report("node-r", "");
        given().when().get("/ports/service/crashed?host=node-r").then().statusCode(200)
                .body("listening", equalTo(true));

        report("node-r", "");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                .get("/ports/service/crashed?host=node-r").then().statusCode(404));
        given().when().get("/ports/history?service=crashed&host=node-r").then().statusCode(200)
                .body("[0].type", equalTo("released"));
    }

    @Test
    void aUdpServiceBoundOnItsPortIsNotReleased() {
        int port = Registry.allocate("{\"service_name\":\"syslog\",\"service_type\":\"cache\",\"host\":\"node-u\","
                + "\"protocol\":\"udp\"}").statusCode(200).extract().jsonPath().getInt("allocation.port");
        String bound = "{\"protocol\":\"udp\",\"address\":\"0.0.0.0\",\"port\":" + port + ",\"pid\":43}";
        for (int report = 1; report <= 3; report++) {
            report("node-u", bound);
        }
        given().when().get("/ports/service/syslog?host=node-u").then().statusCode(200)
                .body("listening", equalTo(true)).body("protocol", equalTo("udp"));

        report("node-u", "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":" + port + ",\"pid\":44}");
        report("node-u", "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":" + port + ",\"pid\":44}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                .get("/ports/service/syslog?host=node-u").then().statusCode(404));
    }
}
