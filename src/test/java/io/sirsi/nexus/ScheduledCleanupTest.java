package io.sirsi.nexus;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The scheduled job frees expired ports without anyone calling cleanup. */
@QuarkusTest
@TestProfile(ScheduledCleanupProfile.class)
class ScheduledCleanupTest {

    @Test
    void expiredAllocationsDisappearOnTheirOwn() throws InterruptedException {
        Registry.grant("forgotten", "frontend");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (given().when().get("/ports/service/forgotten").statusCode() == 200) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the expired allocation was never cleaned up");
            }
            Thread.sleep(200);
        }
    }
}
