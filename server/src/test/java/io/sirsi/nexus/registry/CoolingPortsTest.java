package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cooling ports' own bookkeeping: a service's chain of freed ports, the pages by port, the counts, and that all of
 * it empties when the delay has passed (the property test of {@link PortTable} checks the placement built on it).
 */
class CoolingPortsTest {

    private static final Duration DELAY = Duration.ofSeconds(60);
    private static final PortRange RANGE = new PortRange(2000, 6000);
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    private final CoolingPorts cooling = new CoolingPorts(DELAY, Map.of(ServiceType.CUSTOM, RANGE));

    @Test
    void aServiceGetsBackEveryPortItFreedThatStillCoolsLowestFirst() {
        cooling.start(5000, "web", T0);
        cooling.start(2001, "web", T0.plusSeconds(1));
        cooling.start(3500, "web", T0.plusSeconds(2));
        cooling.start(2002, "db", T0.plusSeconds(3));
        assertArrayEquals(new int[] {2001, 3500, 5000}, cooling.ownPorts("web", RANGE));
        assertArrayEquals(new int[] {2002}, cooling.ownPorts("db", RANGE));
        assertArrayEquals(new int[] {2001}, cooling.ownPorts("web", new PortRange(2000, 3000)));

        cooling.stop(3500); // taken again
        assertArrayEquals(new int[] {2001, 5000}, cooling.ownPorts("web", RANGE));
        cooling.stop(2001); // the chain's newest then middle entries are gone: the oldest is still found
        cooling.stop(5000);
        assertArrayEquals(new int[0], cooling.ownPorts("web", RANGE));
        assertEquals(1, cooling.count(ServiceType.CUSTOM, T0.plusSeconds(4)));
    }

    @Test
    void aPortLeavesItsServicesChainWhereverItIsInIt() {
        cooling.start(2100, "web", T0);
        cooling.start(2200, "web", T0.plusSeconds(1));
        cooling.start(2300, "web", T0.plusSeconds(2)); // the chain, newest first: 2300, 2200, 2100
        cooling.stop(2200); // the middle
        assertArrayEquals(new int[] {2100, 2300}, cooling.ownPorts("web", RANGE));
        cooling.stop(2100); // the oldest, the chain's end
        assertArrayEquals(new int[] {2300}, cooling.ownPorts("web", RANGE));
        cooling.start(2300, "web", T0.plusSeconds(3)); // freed again by the same service: once in its chain
        assertArrayEquals(new int[] {2300}, cooling.ownPorts("web", RANGE));
        cooling.start(2400, "db", T0.plusSeconds(4));
        cooling.stop(2300);
        assertArrayEquals(new int[0], cooling.ownPorts("web", RANGE));
        assertArrayEquals(new int[] {2400}, cooling.ownPorts("db", RANGE));
        assertEquals(1, cooling.count(ServiceType.CUSTOM, T0.plusSeconds(5)));
        assertEquals(2400, cooling.freedLongestAgo(RANGE, port -> true)); // the stale entries before it skipped
    }

    @Test
    void aPortFreedAgainByAnotherServiceIsThatServicesOnly() {
        cooling.start(2500, "web", T0);
        cooling.start(2500, "db", T0.plusSeconds(1));
        assertArrayEquals(new int[0], cooling.ownPorts("web", RANGE));
        assertArrayEquals(new int[] {2500}, cooling.ownPorts("db", RANGE));
        assertTrue(cooling.keptFrom(2500, "web", T0.plusSeconds(2)).isPresent());
        assertFalse(cooling.keptFrom(2500, "db", T0.plusSeconds(2)).isPresent());
        assertEquals("db", cooling.keptFrom(2500, "web", T0.plusSeconds(2)).get().serviceName());
        assertEquals(1, cooling.count(ServiceType.CUSTOM, T0.plusSeconds(2)));
    }

    @Test
    void theDelayEndsInTheOrderPortsWereFreedAndLeavesNothingBehind() {
        for (int i = 0; i < 3000; i++) { // ports over three pages, and a service freeing many of them
            cooling.start(2000 + i, i % 2 == 0 ? "even" : "svc-" + i, T0.plusMillis(i));
        }
        assertEquals(3000, cooling.count(ServiceType.CUSTOM, T0.plusSeconds(10)));
        assertEquals(2000, cooling.freedLongestAgo(RANGE, port -> true));
        assertEquals(2002, cooling.freedLongestAgo(RANGE, port -> port != 2000 && port != 2001));
        assertEquals(1999, cooling.nextNotCooling(1999));
        assertEquals(5000, cooling.nextNotCooling(2000));

        // the first 1,500 ports' delay has passed (the last of them half a millisecond ago): free for anyone again
        Instant later = T0.plus(DELAY).plusMillis(1499).plusNanos(500_000);
        assertEquals(1500, cooling.count(ServiceType.CUSTOM, later));
        assertFalse(cooling.keptFrom(2000, "other", later).isPresent());
        assertTrue(cooling.keptFrom(3600, "other", later).isPresent());
        assertEquals(750, cooling.ownPorts("even", RANGE).length);
        assertEquals(2000, cooling.nextNotCooling(2000));
        assertEquals(5000, cooling.nextNotCooling(3500));

        assertTrue(cooling.isEmpty(T0.plus(DELAY).plusSeconds(3)));
        assertArrayEquals(new int[0], cooling.ownPorts("even", RANGE));
        assertEquals(-1, cooling.freedLongestAgo(RANGE, port -> true));
        assertEquals(2000, cooling.nextNotCooling(2000));
    }

    @Test
    void theTableOfServiceHeadsAgreesWithAMapThroughGrowthAndRemovalsThatShiftEntriesBack() {
        CoolingPorts.ServiceHeads heads = new CoolingPorts.ServiceHeads();
        Map<String, Integer> expected = new HashMap<>();
        Random random = new Random(23);
        for (int i = 0; i < 200_000; i++) {
            // few names, so that probe runs form and removals in them must shift the entries after them back
            String name = "svc-" + random.nextInt(i < 100_000 ? 3_000 : 40);
            int port = random.nextInt(4) == 0 ? -1 : random.nextInt(65_536);
            if (port == -1) {
                heads.replace(name, -1);
                expected.remove(name);
            } else if (random.nextBoolean()) {
                assertEquals(expected.getOrDefault(name, -1), heads.put(name, port));
                expected.put(name, port);
            } else if (expected.containsKey(name)) {
                heads.replace(name, port);
                expected.put(name, port);
            }
            String probe = "svc-" + random.nextInt(3_000);
            assertEquals(expected.getOrDefault(probe, -1), heads.get(probe), probe);
        }
        assertEquals(expected.size(), heads.size());
        expected.forEach((name, port) -> assertEquals(port, heads.get(name)));
    }

    @Test
    void anEntryTakenAndFreedAgainCoolsFromItsNewTimeNotItsFirst() {
        cooling.start(2600, "web", T0);
        cooling.stop(2600);
        cooling.start(2600, "web", T0.plusSeconds(30)); // the first entry is stale in the order now
        Instant afterTheFirst = T0.plus(DELAY).plusSeconds(1);
        assertEquals(1, cooling.count(ServiceType.CUSTOM, afterTheFirst));
        assertTrue(cooling.keptFrom(2600, "db", afterTheFirst).isPresent());
        assertEquals(T0.plusSeconds(30), cooling.keptFrom(2600, "db", afterTheFirst).get().at());
        assertEquals(T0.plusSeconds(30).plus(DELAY), cooling.until(cooling.keptFrom(2600, "db", afterTheFirst).get()));
        assertTrue(cooling.isEmpty(T0.plusSeconds(30).plus(DELAY)));
    }

    @Test
    void theOrderKeepsItsSequenceWhenItGrowsWithItsHeadWrappedAround() {
        for (int i = 0; i < 50; i++) {
            cooling.start(2000 + i, "svc-" + i, T0.plusSeconds(i));
        }
        // the first 40 end: the ring's head moves on, and what follows wraps around its end before it grows
        assertEquals(10, cooling.count(ServiceType.CUSTOM, T0.plus(DELAY).plusSeconds(39).plusMillis(1)));
        for (int i = 50; i < 200; i++) {
            cooling.start(2000 + i, "svc-" + i, T0.plusSeconds(i));
        }
        assertEquals(2040, cooling.freedLongestAgo(RANGE, port -> true));
        assertEquals(2100, cooling.freedLongestAgo(RANGE, port -> port >= 2100));
        Instant later = T0.plus(DELAY).plusSeconds(149).plusMillis(1); // the ports freed at 0 to 149 s have ended
        assertEquals(50, cooling.count(ServiceType.CUSTOM, later));
        assertEquals(2150, cooling.freedLongestAgo(RANGE, port -> true));
        assertArrayEquals(new int[] {2199}, cooling.ownPorts("svc-199", RANGE));
    }
}
