package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AllocationIdsTest {

    private final AllocationIds ids = new AllocationIds();

    @Test
    void anIdIsAVersion7UuidCarryingItsAllocationsMillisecond() {
        Instant at = Instant.parse("2026-12-06T02:40:11.123456Z");
        UUID id = ids.next(at);
        assertEquals(7, id.version());
        assertEquals(2, id.variant()); // RFC 9562's variant, as version 4 ids have
        assertEquals(at.toEpochMilli(), id.getMostSignificantBits() >>> 16);
        assertEquals(id, UUID.fromString(id.toString()));
    }

    /** As text, which is how both stores keep and index them: a later allocation's id sorts after. */
    @Test
    void idsOfLaterAllocationsSortAfterEarlierOnes() {
        Instant start = Instant.parse("2026-12-06T02:40:11Z");
        List<String> made = new ArrayList<>();
        for (int ms = 0; ms < 1_000; ms += 7) {
            made.add(ids.next(start.plusMillis(ms)).toString());
        }
        List<String> sorted = new ArrayList<>(made);
        sorted.sort(null);
        assertEquals(made, sorted);
    }

    @Test
    void idsOfOneMillisecondDifferInTheirRandomBits() {
        Instant at = Instant.parse("2026-12-06T02:40:11Z");
        Set<UUID> made = new HashSet<>();
        Set<Long> randomA = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            UUID id = ids.next(at);
            made.add(id);
            randomA.add(id.getMostSignificantBits() & 0x0FFF);
        }
        assertEquals(100_000, made.size());
        assertTrue(randomA.size() > 4_000, "the 12 random bits after the version take most of their 4,096 values");
    }
}
