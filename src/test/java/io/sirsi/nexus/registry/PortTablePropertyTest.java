package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The allocator's invariants under random sequences of allocations and releases, with every placement strategy
 * (first-free and random; same-port and sticky reach the table as hints): no port twice, never a reserved port, one
 * bound elsewhere or one the request avoids; a free preferred port is granted, else the first free hint in the
 * range, else a port of the range; a conflict is raised only when it is true; the range counts agree with what is
 * held.
 */
class PortTablePropertyTest {

    private static final PortRange RANGE = new PortRange(100, 129);
    private static final int LOW = 95;
    private static final int HIGH = 135;

    sealed interface Step permits Allocate, Release {
    }

    record Allocate(Optional<Integer> preferred, boolean required, List<Integer> hints, boolean random,
            Set<Integer> avoid) implements Step {
    }

    record Release(int pick) implements Step {
    }

    @Property(tries = 400)
    void theAllocatorKeepsItsInvariants(@ForAll("ports") Set<Integer> reserved,
            @ForAll("ports") Set<Integer> boundElsewhere, @ForAll("steps") List<Step> steps) {
        PortTable table = new PortTable(Map.of(ServiceType.CUSTOM, RANGE), reserved, boundElsewhere::contains);
        Map<Integer, Allocation> held = new HashMap<>();
        int serial = 0;
        for (Step step : steps) {
            if (step instanceof Release release) {
                if (!held.isEmpty()) {
                    List<Integer> ports = new ArrayList<>(held.keySet());
                    Allocation victim = held.remove(ports.get(release.pick() % ports.size()));
                    table.remove(victim);
                }
                continue;
            }
            Allocate allocate = (Allocate) step;
            Optional<Integer> preferred = allocate.preferred();
            Set<Integer> avoid = allocate.avoid();
            boolean preferredFree = preferred.map(p -> isFree(p, held, reserved, boundElsewhere)
                    && !avoid.contains(p)).orElse(false);
            Optional<Integer> freeHint = allocate.hints().stream().filter(p -> RANGE.contains(p)
                    && isFree(p, held, reserved, boundElsewhere) && !avoid.contains(p)).findFirst();
            boolean rangeHasRoom = IntStream.rangeClosed(RANGE.first(), RANGE.last())
                    .anyMatch(p -> isFree(p, held, reserved, boundElsewhere) && !avoid.contains(p));
            try {
                int port = table.choosePort(ServiceType.CUSTOM, new PortTable.Placement("prop", preferred,
                        allocate.required(), allocate.hints().stream().map(p -> new PortTable.Hint(p, "a hint"))
                        .toList(), allocate.random(), avoid), Instant.now()).port();
                assertFalse(held.containsKey(port), "port " + port + " handed out twice");
                assertFalse(reserved.contains(port), "reserved port " + port + " handed out");
                assertFalse(boundElsewhere.contains(port), "port " + port + " bound elsewhere handed out");
                assertFalse(avoid.contains(port), "port " + port + " handed out although avoided");
                if (preferredFree) {
                    assertEquals(preferred.get(), port, "a free preferred port must be granted");
                } else if (freeHint.isPresent()) {
                    assertEquals(freeHint.get(), port, "the first free hint must be granted");
                } else {
                    assertTrue(RANGE.contains(port), "fallback port " + port + " outside " + RANGE);
                }
                Allocation allocation = allocation("svc-" + serial++, port);
                table.put(allocation);
                held.put(port, allocation);
            } catch (PortUnavailableException e) {
                assertTrue(allocate.required() && preferred.isPresent() && !preferredFree,
                        "refused a port that was free or not required: " + e.getMessage());
            } catch (RangeExhaustedException e) {
                assertFalse(preferredFree, "range exhausted although the preferred port was free");
                assertFalse(rangeHasRoom, "range exhausted although it had room: " + e.getMessage());
            }
            assertEquals(held.size(), table.size());
            held.forEach((port, allocation) -> assertEquals(Optional.of(allocation), table.byPort(port)));
            assertEquals(held.keySet().stream().filter(RANGE::contains).count(), table.held(ServiceType.CUSTOM),
                    "ports of the range held");
            assertEquals(reserved.stream().filter(p -> RANGE.contains(p) && !held.containsKey(p)).count(),
                    table.reservedIdle(ServiceType.CUSTOM), "reserved ports of the range not held");
        }
    }

    private static boolean isFree(int port, Map<Integer, Allocation> held, Set<Integer> reserved, Set<Integer> bound) {
        return !held.containsKey(port) && !reserved.contains(port) && !bound.contains(port);
    }

    private static Allocation allocation(String name, int port) {
        Instant now = Instant.now();
        return new Allocation(UUID.randomUUID(), "localhost", port, name, ServiceType.CUSTOM, Optional.empty(), now,
                now, AllocationStatus.ACTIVE);
    }

    @Provide
    Arbitrary<Set<Integer>> ports() {
        return Arbitraries.integers().between(LOW, HIGH).set().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> port = Arbitraries.integers().between(LOW, HIGH);
        Arbitrary<Step> allocate = Combinators.combine(port.optional(0.5), Arbitraries.of(true, false),
                        port.list().ofMaxSize(3), Arbitraries.of(true, false), port.set().ofMaxSize(4))
                .as(Allocate::new);
        Arbitrary<Step> release = Arbitraries.integers().between(0, 1000).map(Release::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, allocate), net.jqwik.api.Tuple.of(1, release))
                .list().ofMaxSize(80);
    }
}
