package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * range, else the lowest free port of the range (first-free) or one of them (random); a conflict is raised only
 * when it is true; the range counts agree with what is held.
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
            Optional<Integer> firstFree = IntStream.rangeClosed(RANGE.first(), RANGE.last()).boxed()
                    .filter(p -> isFree(p, held, reserved, boundElsewhere) && !avoid.contains(p)).findFirst();
            boolean rangeHasRoom = firstFree.isPresent();
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
                } else if (!allocate.random()) {
                    assertEquals(firstFree, Optional.of(port), "first-free grants the lowest free port");
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

    record Take(int service, boolean random, Set<Integer> avoid) implements CoolingStep {
    }

    record Free(int pick) implements CoolingStep {
    }

    record Wait(int seconds) implements CoolingStep {
    }

    /** The registry restarts: a new table, the held allocations loaded, the recent frees read back from the log. */
    record Restart() implements CoolingStep {
    }

    /** A reader counts the ports cooling (between two allocations, which also retire what stopped cooling). */
    record Look() implements CoolingStep {
    }

    sealed interface CoolingStep permits Take, Free, Wait, Restart, Look {
    }

    private record Freed(String service, Instant at, long order) {
    }

    /** A free as the change log keeps it. */
    private record Logged(Allocation allocation, Instant at) {
    }

    /**
     * With a reuse delay: a port another service freed within the delay is never granted while a port that is not
     * cooling is free; the service that freed it may take it back at once; when only cooling ports are free, the one
     * freed first is granted; the cooling count agrees with the delay, read at any moment; and all of it holds
     * across a restart that reads every free within the delay back from the change log, oldest first (the ports
     * taken again since among them).
     */
    @Property(tries = 400)
    void coolingPortsWaitForTheirServiceOrTheDelay(@ForAll("ports") Set<Integer> reserved,
            @ForAll("ports") Set<Integer> boundElsewhere, @ForAll("coolingSteps") List<CoolingStep> steps) {
        Duration delay = Duration.ofSeconds(30);
        PortTable table = new PortTable(Map.of(ServiceType.CUSTOM, RANGE), reserved, boundElsewhere::contains, delay);
        List<Logged> log = new ArrayList<>();
        Map<Integer, Allocation> held = new HashMap<>();
        Map<Integer, Freed> cooling = new HashMap<>();
        Instant now = Instant.parse("2026-12-02T00:00:00Z");
        long order = 0;
        for (CoolingStep step : steps) {
            Instant at = now;
            cooling.values().removeIf(freed -> !freed.at().plus(delay).isAfter(at));
            if (step instanceof Wait wait) {
                now = now.plusSeconds(wait.seconds());
            } else if (step instanceof Restart) {
                table = new PortTable(Map.of(ServiceType.CUSTOM, RANGE), reserved, boundElsewhere::contains, delay);
                held.values().forEach(table::put);
                for (Logged free : log) {
                    if (free.at().plus(delay).isAfter(now)) {
                        table.free(free.allocation(), free.at());
                    }
                }
            } else if (step instanceof Look) {
                Instant later = now;
                assertEquals(cooling.entrySet().stream().filter(entry -> RANGE.contains(entry.getKey())
                        && entry.getValue().at().plus(delay).isAfter(later)).count(),
                        table.cooling(ServiceType.CUSTOM, now), "ports of the range cooling");
            } else if (step instanceof Free free && !held.isEmpty()) {
                List<Integer> ports = new ArrayList<>(held.keySet());
                Allocation victim = held.remove(ports.get(free.pick() % ports.size()));
                table.free(victim, now);
                log.add(new Logged(victim, now));
                if (!reserved.contains(victim.port())) {
                    cooling.put(victim.port(), new Freed(victim.serviceName(), now, order++));
                }
            } else if (step instanceof Take take) {
                String service = "svc-" + take.service();
                if (held.values().stream().anyMatch(allocation -> allocation.serviceName().equals(service))) {
                    continue; // one allocation per name, as the registry keeps it
                }
                List<Integer> free = IntStream.rangeClosed(RANGE.first(), RANGE.last()).boxed()
                        .filter(p -> isFree(p, held, reserved, boundElsewhere) && !take.avoid().contains(p)).toList();
                List<Integer> notCooling = free.stream().filter(p -> !cooling.containsKey(p)
                        || cooling.get(p).service().equals(service)).toList();
                Optional<Integer> freedFirst = free.stream().filter(cooling::containsKey)
                        .min(Comparator.comparingLong(p -> cooling.get(p).order()));
                try {
                    int port = table.choosePort(ServiceType.CUSTOM, new PortTable.Placement(service, Optional.empty(),
                            false, List.of(), take.random(), take.avoid()), now).port();
                    if (!notCooling.isEmpty()) {
                        assertTrue(notCooling.contains(port), port + " granted while a port not cooling was free: "
                                + notCooling);
                        if (!take.random()) {
                            assertEquals(notCooling.get(0), port, "first-free grants the first port not cooling");
                        }
                    } else {
                        assertEquals(freedFirst, Optional.of(port), "only cooling ports free: the one freed first");
                    }
                    Allocation allocation = allocation(service, port);
                    table.put(allocation);
                    held.put(port, allocation);
                    cooling.remove(port);
                } catch (RangeExhaustedException e) {
                    assertTrue(free.isEmpty(), "range exhausted although " + free + " were free");
                }
            }
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
    Arbitrary<List<CoolingStep>> coolingSteps() {
        Arbitrary<CoolingStep> take = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, false), Arbitraries.integers().between(LOW, HIGH).set().ofMaxSize(3))
                .as(Take::new);
        Arbitrary<CoolingStep> free = Arbitraries.integers().between(0, 1000).map(Free::new);
        Arbitrary<CoolingStep> wait = Arbitraries.integers().between(0, 20).map(Wait::new);
        Arbitrary<CoolingStep> restart = Arbitraries.just(new Restart());
        Arbitrary<CoolingStep> look = Arbitraries.just(new Look());
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, take), net.jqwik.api.Tuple.of(2, free),
                net.jqwik.api.Tuple.of(1, wait), net.jqwik.api.Tuple.of(1, restart), net.jqwik.api.Tuple.of(1, look))
                .list().ofMaxSize(100);
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
