package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 401, 403 and 429 answers are logged with method, path, address and key name, one line per status and address per
 * 10 s of the registry's clock ({@link TestClock}, moved by the test), the next line counting those held back.
 */
@QuarkusTest
@TestProfile(RefusedRequestsTest.KeysLimitsAndClock.class)
class RefusedRequestsTest {

    /** {@link ApiKeysProfile}'s keys, low read limits, and the test's clock. */
    public static class KeysLimitsAndClock implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new ApiKeysProfile().getConfigOverrides());
            config.putAll(Map.of("sirsi.rate-limit.enabled", "true", "sirsi.rate-limit.reads-per-second", "1",
                    "sirsi.rate-limit.writes-per-second", "100", "sirsi.rate-limit.burst", "3"));
            return config;
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(TestClock.class);
        }
    }

    private static final String CATEGORY = "io.sirsi.nexus.api.security.RefusedRequests";

    @Inject
    TestClock clock;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + String.format(record.getMessage().replace("%d", "%s"),
                    record.getParameters() == null ? new Object[0] : record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        clock.advance(Duration.ofMinutes(1)); // every window of an earlier test is over
        Logger.getLogger(CATEGORY).addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger(CATEGORY).removeHandler(capture);
    }

    @Test
    void refusalsAreLoggedOncePerStatusAndAddressPerWindow() {
        for (int i = 0; i < 4; i++) {
            given().get("/ports/directory").then().statusCode(401);
        }
        // the line is written before the answer's headers: it is there once the answer is
        assertEquals(1, matching("Refused 401: GET /ports/directory from 127.0.0.1").size(), lines.toString());
        given().header("Authorization", "Bearer " + ApiKeysProfile.READER_KEY).post("/ports/cleanup").then()
                .statusCode(403);
        assertEquals(1, matching("Refused 403: POST /ports/cleanup from 127.0.0.1 (API key 'dashboard')").size(),
                lines.toString());
        assertTrue(lines.stream().noneMatch(line -> line.contains(ApiKeysProfile.READER_KEY)), lines.toString());

        clock.advance(Duration.ofSeconds(10));
        given().get("/ports/stats").then().statusCode(401);
        assertEquals(List.of("INFO Refused 401: GET /ports/stats from 127.0.0.1; 3 more 401s from 127.0.0.1 since"),
                matching("Refused 401: GET /ports/stats").stream().map(line -> line.replaceAll(" since .*",
                        " since")).toList());
    }

    @Test
    void aRateLimitedKeyIsLoggedByName() {
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            if (given().header("Authorization", "Bearer " + ApiKeysProfile.WRITER_KEY).get("/ports/directory")
                    .statusCode() == 429) {
                refused++;
            }
        }
        assertTrue(refused > 0, "no 429 in 12 reads at a limit of 3");
        assertEquals(1, matching("Refused 429: GET /ports/directory from 127.0.0.1 (API key 'ci-runner')").size(),
                lines.toString());
    }

    private List<String> matching(String part) {
        return lines.stream().filter(line -> line.contains(part)).toList();
    }
}
