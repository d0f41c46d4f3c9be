package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.sirsi.nexus.agent.CheckRunner;
import io.sirsi.nexus.agent.HealthEndpoint;
import io.sirsi.nexus.agent.StallingHttpServer;
import io.sirsi.nexus.wire.HostReport;
import io.sirsi.nexus.wire.HostViews;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's check runner reporting to the registry, against real health endpoints on this machine's loopback: two
 * that stall mid-answer do not keep a third from passing, failing and passing again in the registry's view, and are
 * critical themselves, by their timeout.
 */
@QuarkusTest
@TestProfile(AgentKeysProfile.class)
class HostAgentChecksTest {

    private static final String HOST = "agent-stall";

    @Inject
    ObjectMapper json;

    private static ValidatableResponse allocate(String name, int port, String check) {
        return given().auth().oauth2(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON)
                .body("{\"service_name\":\"" + name + "\",\"service_type\":\"custom\",\"host\":\"" + HOST
                        + "\",\"preferred_port\":" + port + ",\"required\":true,\"check\":" + check + "}")
                .when().post("/ports/allocate").then().statusCode(200);
    }

    /** One report with the runner's last results; the runner then runs the checks the answer names. */
    private void report(CheckRunner runner) throws Exception {
        HostReport report = runner.withResults(new HostReport("test", Instant.now(), List.of(), null, List.of(),
                List.of()));
        String answer = given().auth().oauth2(AgentKeysProfile.AGENT_KEY).contentType(ContentType.JSON)
                .body(json.writeValueAsString(report)).when().post("/ports/hosts/" + HOST + "/report").then()
                .statusCode(200).extract().asString();
        runner.update(json.readValue(answer, HostViews.ReportReceipt.class).checks());
    }

    private String checkStatus(CheckRunner runner, String service) throws Exception {
        report(runner);
        return given().auth().oauth2(AgentKeysProfile.READER_KEY).when().get("/ports/service/" + service + "?host="
                + HOST).then().statusCode(200).extract().jsonPath().getString("check.status");
    }

    private void awaitCheck(CheckRunner runner, String service, String status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(checkStatus(runner, service)));
    }

    @Test
    void twoHealthEndpointsThatStallMidBodyAreCriticalAndStopNoOtherCheck() throws Exception {
        try (CheckRunner runner = new CheckRunner(Clock.systemUTC()); HealthEndpoint healthy = new HealthEndpoint();
                StallingHttpServer first = new StallingHttpServer();
                StallingHttpServer second = new StallingHttpServer()) {
            String check = "{\"type\":\"http\",\"path\":\"/health\",\"interval\":\"1s\",\"timeout\":\"%s\"}";
            allocate("stalls-first", first.port(), check.formatted("300ms"));
            allocate("stalls-second", second.port(), check.formatted("300ms"));
            allocate("answers", healthy.port(), check.formatted("1s"));

            awaitCheck(runner, "answers", "passing");
            healthy.answer(503);
            awaitCheck(runner, "answers", "critical");
            healthy.answer(200);
            awaitCheck(runner, "answers", "passing");

            for (String stalled : List.of("stalls-first", "stalls-second")) {
                awaitCheck(runner, stalled, "critical");
                given().auth().oauth2(AgentKeysProfile.READER_KEY).when().get("/ports/service/" + stalled + "?host="
                        + HOST).then().body("check.output", startsWith("HTTP GET /health: timed out after 300 ms"));
            }
        }
    }
}
