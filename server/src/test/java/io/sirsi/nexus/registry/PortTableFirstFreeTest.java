package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * First-free searches a range from where its last search found the first untaken port ({@link SearchStarts}); each
 * way a port becomes untaken again brings the search back to it. The random sequences of
 * {@link PortTablePropertyTest} cover releases and the reuse delay; these are the ways they do not reach.
 */
class PortTableFirstFreeTest {

    private static final PortRange RANGE = new PortRange(100, 103);
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    private static final Duration DELAY = Duration.ofSeconds(30);

    @Test
    void aPortFreedWithNoReuseDelayIsFoundAgain() {
        PortTable table = table(Duration.ZERO);
        Allocation first = take(table, "a", T0);
        assertEquals(101, take(table, "b", T0).port()); // the search now starts past 100
        table.free(first, T0);
        assertEquals(100, choose(table, "c", T0));
    }

    @Test
    void aPortLeftByAnAllocationMovedToAnotherIsFoundAgain() {
        PortTable table = table(Duration.ZERO);
        Allocation first = take(table, "a", T0);
        assertEquals(101, take(table, "b", T0).port());
        Allocation moved = new Allocation(first.allocationId(), first.host(), 103, first.serviceName(),
                first.serviceType(), first.processId(), first.allocatedAt(), first.lastHeartbeat(), first.status());
        table.put(moved); // the same id on another port (an event read back from another replica, say)
        assertEquals(100, choose(table, "c", T0));
    }

    @Test
    void aFullRangeOfCoolingPortsGrantsTheOldestUntilOneIsDoneThenTheFirstFreeAgain() {
        PortTable table = table(DELAY);
        for (String name : List.of("a", "b", "c", "d")) {
            Allocation held = take(table, name, T0);
            table.free(held, T0.plusSeconds(held.port() - 100)); // 100 freed first, 103 last
        }
        // every port cools: the one freed longest ago, and the search has nothing to start from
        assertEquals(100, choose(table, "e", T0.plusSeconds(5)));
        assertEquals(100, choose(table, "e", T0.plusSeconds(6)));
        // 100 and 101 done cooling (freed at 0 s and 1 s): the first of them, not the oldest cooling one
        assertEquals(100, choose(table, "e", T0.plusSeconds(31)));
        table.put(allocation("e", 100, T0.plusSeconds(31)));
        assertEquals(101, choose(table, "f", T0.plusSeconds(31)));
    }

    @Test
    void aPortAReaderSawDoneCoolingIsFoundByTheNextSearch() {
        PortTable table = table(DELAY);
        for (String name : List.of("a", "b", "c", "d")) {
            table.free(take(table, name, T0), T0);
        }
        assertEquals(100, choose(table, "e", T0.plusSeconds(1))); // full: the oldest; the search start is past 103
        assertEquals(0, table.cooling(ServiceType.CUSTOM, T0.plusSeconds(31))); // a reader's count prunes them all
        table.put(allocation("x", 100, T0.plusSeconds(31)));
        assertEquals(101, choose(table, "e", T0.plusSeconds(31)));
    }

    private static PortTable table(Duration delay) {
        return new PortTable(Map.of(ServiceType.CUSTOM, RANGE), Set.of(), port -> false, delay);
    }

    private static int choose(PortTable table, String service, Instant now) {
        return table.choosePort(ServiceType.CUSTOM, new PortTable.Placement(service, Optional.empty(), false,
                List.of(), false, Set.of()), now).port();
    }

    private static Allocation take(PortTable table, String service, Instant now) {
        Allocation allocation = allocation(service, choose(table, service, now), now);
        table.put(allocation);
        return allocation;
    }

    private static Allocation allocation(String service, int port, Instant now) {
        return new Allocation(UUID.randomUUID(), "localhost", port, service, ServiceType.CUSTOM, Optional.empty(),
                now, now, AllocationStatus.ACTIVE);
    }
}
