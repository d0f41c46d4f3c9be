package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One line per key per window, on a clock the test moves; what was held back is told with the next line. */
class LogThrottleTest {

    private static final Instant START = Instant.parse("2026-12-07T23:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final LogThrottle throttle = new LogThrottle(now::get, Duration.ofSeconds(10), 2);

    @Test
    void oneLinePerKeyPerWindowThenTheCountHeldBack() {
        assertEquals(Optional.of(new LogThrottle.Due(0, Optional.empty())), throttle.admit("401 10.0.0.7"));
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), throttle.admit("401 10.0.0.7"));
        }
        // another key has a window of its own
        assertEquals(Optional.of(new LogThrottle.Due(0, Optional.empty())), throttle.admit("429 10.0.0.7"));
        advance(Duration.ofMillis(9_999));
        assertEquals(Optional.empty(), throttle.admit("401 10.0.0.7"));
        advance(Duration.ofMillis(1));
        assertEquals(Optional.of(new LogThrottle.Due(6, Optional.of(START))), throttle.admit("401 10.0.0.7"));
        assertEquals(Optional.empty(), throttle.admit("401 10.0.0.7"));
        advance(Duration.ofMinutes(5));
        assertEquals(Optional.of(new LogThrottle.Due(1, Optional.of(START.plusSeconds(10)))),
                throttle.admit("401 10.0.0.7"));
    }

    private void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }
}
