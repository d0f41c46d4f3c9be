package io.sirsi.nexus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How a drain's {@link Duration} is written for the registry, which reads a whole number and a unit. */
class DrainDurationTextTest {

    @Test
    void wholeSecondsAreSecondsAndAnythingFinerIsMillisecondsRoundedUp() {
        assertEquals("600s", SirsiNexusClient.durationText(Duration.ofMinutes(10)));
        assertEquals("1500ms", SirsiNexusClient.durationText(Duration.ofMillis(1500)));
        assertEquals("2ms", SirsiNexusClient.durationText(Duration.ofNanos(1_000_001)));
        assertEquals("0s", SirsiNexusClient.durationText(Duration.ZERO));
    }
}
