package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /ports/analytics} on a history the test builds on its own clock ({@link TestClock}): every figure is known
 * to the millisecond, so the test asserts values, not shapes.
 */
@QuarkusTest
@TestProfile(InjectedTimeProfile.class)
class AnalyticsTest {

    /** Heartbeats well inside the profile's 10 s timeout, and under half of it, so no host looks partitioned. */
    private static final Duration STEP = Duration.ofSeconds(4);
    private static final Duration PAST_THE_TIMEOUT = Duration.ofSeconds(11);

    @Inject
    TestClock clock;

    @BeforeEach
    void emptyRegistryLongAfterEverythingElse() {
        Registry.releaseAll();
        // whatever other tests of this profile logged is now far older than any window
        clock.advance(Duration.ofDays(30));
    }

    @Test
    void figuresOfAKnownHistory() throws InterruptedException {
        Instant t0 = now();
        Registry.Granted a = Registry.grant("flappy", "cache");
        Registry.Granted b = Registry.grant("short-lived", "cache");
        pass(Duration.ofSeconds(60), a, b);
        Registry.Granted c = Registry.grant("steady", "cache");       // t0+60 s: 3 held, the peak
        pass(Duration.ofSeconds(60), a, b, c);
        Registry.release(b.allocationId()).statusCode(200);            // t0+120 s, lived 120 s
        Registry.Granted d = Registry.grant("newcomer", "cache");      // takes b's port at the same moment
        assertEquals(b.port(), d.port());
        for (int flap = 0; flap < 2; flap++) {                          // expired and revived at t0+131 s, t0+142 s
            pass(PAST_THE_TIMEOUT, c, d);
            ExpiryTest.awaitStatus("flappy", "Expired");
            Registry.heartbeat(a.allocationId()).statusCode(200);
        }
        pass(PAST_THE_TIMEOUT, c, d);                                   // expired for good at t0+153 s
        ExpiryTest.awaitStatus("flappy", "Expired");
        given().when().post("/ports/cleanup").then().statusCode(200).body("removed", equalTo(1)); // lived 153 s

        JsonPath day = analytics("24h");
        assertEquals("24h", day.getString("window"));
        assertEquals("localhost", day.getString("host"));
        assertEquals(now(), Instant.parse(day.getString("to")));
        assertEquals(now().minus(Duration.ofHours(24)), Instant.parse(day.getString("from")));
        Map<String, Object> cache = day.getMap("types.cache");
        assertEquals(2, cache.get("in_use"));
        assertEquals(3, cache.get("peak_in_use"));
        assertEquals(t0.plusSeconds(60), Instant.parse((String) cache.get("peak_at")));
        assertEquals(4, cache.get("allocations"));
        assertEquals(1, cache.get("releases"));
        assertEquals(1, cache.get("removals"));
        assertEquals(3, cache.get("expirations"));
        assertEquals(136.5, ((Number) cache.get("mean_lifetime_seconds")).doubleValue(), 1e-9);
        assertEquals(100, cache.get("size"));
        assertEquals(98, cache.get("available"));
        // grew by 2 in 24 h: 98 more ports take 49 days at that rate
        assertEquals(now().plus(Duration.ofDays(49)), Instant.parse((String) cache.get("exhaustion_forecast")));
        assertEquals(List.of(Map.of("service_name", "flappy", "host", "localhost", "expirations", 3, "revivals", 2)),
                day.getList("flapping"));
        assertEquals(List.of(Map.of("port", b.port(), "allocations", 2, "services", 2)),
                day.getList("most_reused_ports"));
        Map<String, Object> idle = day.getMap("types.rest-api");
        assertEquals(Map.of("in_use", 0, "peak_in_use", 0, "allocations", 0, "releases", 0, "removals", 0,
                "expirations", 0, "size", 20, "available", 20, "first_port", 8080, "last_port", 8099),
                without(idle, "peak_at", "mean_lifetime_seconds", "exhaustion_forecast"));
        assertEquals(day.getString("from"), idle.get("peak_at"), "nothing held more than at the start");
        assertNull(idle.get("mean_lifetime_seconds"));
        assertNull(idle.get("exhaustion_forecast"));

        // two hours of silence: the two left expire together (too few for self-preservation), then one is released
        clock.advance(Duration.ofHours(2));
        ExpiryTest.awaitStatus("steady", "Expired");
        ExpiryTest.awaitStatus("newcomer", "Expired");
        Registry.release(d.allocationId()).statusCode(200);

        JsonPath hour = analytics("1h");
        Map<String, Object> recent = hour.getMap("types.cache");
        assertEquals(1, recent.get("in_use"));
        assertEquals(2, recent.get("peak_in_use"), "held at the window's start, before the release");
        assertEquals(hour.getString("from"), recent.get("peak_at"));
        assertEquals(0, recent.get("allocations"), "the window leaves out everything before it");
        assertEquals(1, recent.get("releases"));
        assertEquals(2, recent.get("expirations"));
        assertEquals(7233.0, ((Number) recent.get("mean_lifetime_seconds")).doubleValue(), 1e-9); // 2 h 33 s
        assertNull(recent.get("exhaustion_forecast"), "it shrank");
        assertEquals(List.of(), hour.getList("flapping"), "expired without a revival is not flapping");
        assertEquals(List.of(), hour.getList("most_reused_ports"));

        JsonPath all = analytics("3h");
        Map<String, Object> whole = all.getMap("types.cache");
        assertEquals(3, whole.get("peak_in_use"));
        assertEquals(t0.plusSeconds(60), Instant.parse((String) whole.get("peak_at")));
        assertEquals(4, whole.get("allocations"));
        assertEquals(2, whole.get("releases"));
        assertEquals(5, whole.get("expirations"));
        // grew by 1 in 3 h: 99 more ports take 297 hours
        assertEquals(now().plus(Duration.ofHours(297)), Instant.parse((String) whole.get("exhaustion_forecast")));
        assertEquals(3, all.getInt("flapping[0].expirations"));

        JsonPath elsewhere = given().queryParam("host", "host-b").when().get("/ports/analytics").then()
                .statusCode(200).extract().jsonPath();
        assertEquals("host-b", elsewhere.getString("host"));
        assertEquals(0, elsewhere.getInt("types.cache.in_use"));
        assertEquals(0, elsewhere.getInt("types.cache.allocations"));
        assertEquals(List.of(), elsewhere.getList("flapping"));
    }

    @Test
    void aMalformedWindowOrHostIsA400ThatSaysWhatIsExpected() {
        for (String window : List.of("abc", "24", "h", "0h", "-1h", "1.5h", "24x", "8d", "169h", "1w")) {
            given().queryParam("window", window).when().get("/ports/analytics").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("invalid window '" + window + "'"))
                    .body("detail", containsString("such as 30m, 24h or 7d"))
                    .body("detail", containsString("at most the history retention, 7d"));
        }
        for (String host : List.of(" ", "h".repeat(254))) {
            given().queryParam("host", host).when().get("/ports/analytics").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("expected a host name"));
        }
        given().queryParam("window", "7d").when().get("/ports/analytics").then().statusCode(200)
                .body("window", equalTo("7d"));
    }

    private static JsonPath analytics(String window) {
        return given().queryParam("window", window).when().get("/ports/analytics").then().statusCode(200)
                .contentType("application/json").extract().jsonPath();
    }

    /** Lets time pass in steps, heartbeating the allocations named so that they stay Active. */
    private void pass(Duration duration, Registry.Granted... keepAlive) {
        Duration left = duration;
        while (!left.isZero()) {
            Duration step = left.compareTo(STEP) < 0 ? left : STEP;
            clock.advance(step);
            left = left.minus(step);
            for (Registry.Granted granted : keepAlive) {
                Registry.heartbeat(granted.allocationId()).statusCode(200);
            }
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Map<String, Object> without(Map<String, Object> map, String... keys) {
        Map<String, Object> rest = new java.util.HashMap<>(map);
        List.of(keys).forEach(rest::remove);
        return rest;
    }
}
