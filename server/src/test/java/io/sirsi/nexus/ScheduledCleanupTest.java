package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The scheduled job frees expired ports without anyone calling cleanup. The heartbeat timeout passes on the test's
 * clock ({@link TestClock}), not on how slow the machine is; only the job's own period is real time.
 */
@QuarkusTest
@TestProfile(ScheduledCleanupProfile.class)
class ScheduledCleanupTest {

    @Inject
    TestClock clock;

    @Test
    void expiredAllocationsDisappearOnTheirOwn() {
        Registry.grant("forgotten", "frontend");
        Registry.Granted kept = Registry.grant("kept", "frontend");
        clock.advance(Duration.ofSeconds(6));
        Registry.heartbeat(kept.allocationId()).statusCode(200);
        clock.advance(Duration.ofSeconds(6)); // 12 s of silence for "forgotten", 6 s for "kept"
        // nobody calls cleanup: the job that runs every second removes what expired, and only that
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/ports/service/forgotten")
                .then().statusCode(404));
        given().when().get("/ports/service/kept").then().statusCode(200).body("status", equalTo("Active"));
    }
}
