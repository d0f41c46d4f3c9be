package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A freed port is kept from other services for the reuse delay; the same service gets it back at once. */
@QuarkusTest
@TestProfile(ReuseDelayProfile.class)
class ReuseDelayTest {

    @Inject
    TestClock clock;

    @BeforeEach
    void emptyRegistryAndNothingCooling() {
        Registry.releaseAll();
        clock.advance(Duration.ofSeconds(61));
    }

    @Test
    void aFreedPortCoolsForOthersButNotForItsService() {
        Registry.Granted first = Registry.grant("first", "security");
        Registry.Granted second = Registry.grant("second", "security");
        Registry.release(first.allocationId()).statusCode(200);

        given().when().get("/ports/ranges").then().body("security.cooling", equalTo(1))
                .body("security.available", equalTo(2));
        Registry.allocate("third", "security").statusCode(200).body("allocation.port", equalTo(8302));
        Registry.allocate("intruder", "security", 8300, true).statusCode(409)
                .body("detail", containsString("sirsi.ports.reuse-delay"))
                .body("detail", containsString("'first'"));
        Registry.allocate("first", "security").statusCode(200).body("allocation.port", equalTo(8300));

        Registry.release(second.allocationId()).statusCode(200);
        Registry.allocate("second", "security").statusCode(200).body("allocation.port", equalTo(8301));
    }

    @Test
    void whenNothingElseIsFreeThePortFreedLongestAgoIsGranted() {
        Registry.Granted a = Registry.grant("a", "security");
        Registry.Granted b = Registry.grant("b", "security");
        Registry.Granted c = Registry.grant("c", "security");
        Registry.release(b.allocationId()).statusCode(200);
        clock.advance(Duration.ofSeconds(1));
        Registry.release(a.allocationId()).statusCode(200);
        Registry.allocate("d", "security").statusCode(200).body("allocation.port", equalTo(8301));
        Registry.allocate("e", "security").statusCode(200).body("allocation.port", equalTo(8300));
        Registry.allocate("f", "security").statusCode(409).body("detail", containsString("8300-8302"));
        Registry.release(c.allocationId()).statusCode(200);
    }

    @Test
    void coolingEndsWithTheDelay() {
        Registry.Granted gone = Registry.grant("gone", "security");
        Registry.release(gone.allocationId()).statusCode(200);
        clock.advance(Duration.ofSeconds(59));
        Registry.allocate("early", "security").statusCode(200).body("allocation.port", equalTo(8301));
        clock.advance(Duration.ofSeconds(2));
        given().when().get("/ports/ranges").then().body("security.cooling", equalTo(0));
        Registry.allocate("late", "security").statusCode(200).body("allocation.port", equalTo(8300));
    }
}
