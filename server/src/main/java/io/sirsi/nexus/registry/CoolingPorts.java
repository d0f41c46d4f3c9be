package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The ports of one host freed less than the reuse delay ago ({@code sirsi.ports.reuse-delay}): kept from other
 * services for that long, while the service that freed one may take it back at once.
 *
 * <p>Built so that allocating and counting do not walk the ports cooling, which run into the thousands when services
 * come and go: the ports are a bit set that the first-free scan skips a word at a time; the entries sit in the order
 * they were freed, which is the order their delay ends in, so the end of cooling is read at the head, each entry
 * once; and every range's count is kept as entries come and go. Only a full range, where nothing but cooling ports is
 * left, walks the entries to find the one freed longest ago. Thread-safe: {@link PortTable}'s writer starts and ends
 * cooling, and readers count; whoever comes first after an entry's delay has passed retires it, by its own clock.
 */
final class CoolingPorts {

    /** A port freed by a service at a moment. */
    record Freed(int port, String serviceName, Instant at) {
    }

    private final Duration delay;
    private final Map<ServiceType, PortRange> ranges;
    private final Map<Integer, Freed> byPort = new HashMap<>();
    private final BitSet ports = new BitSet(PortRange.MAX_PORT + 1);
    private final Map<String, Set<Integer>> byService = new HashMap<>();
    /**
     * The entries in the order they were freed. Their times may be out of order (a clock set back, or frees another
     * replica made by its clock): an entry behind a later one then stops cooling when that one does, late, never
     * early, since only the head is retired and only by the reader's or writer's own time. An entry whose port was
     * taken or freed again since stays until it reaches the head, and is dropped there.
     */
    private final ArrayDeque<Freed> order = new ArrayDeque<>();
    private final Map<ServiceType, Integer> counts = new HashMap<>();

    CoolingPorts(Duration delay, Map<ServiceType, PortRange> ranges) {
        this.delay = delay;
        this.ranges = ranges;
    }

    boolean enabled() {
        return !delay.isZero();
    }

    /**
     * The port starts cooling for the reuse delay from the moment it was freed. That moment may be another
     * replica's, so it never retires anything here: only {@link #prune} with this process's time does.
     */
    synchronized void start(int port, String serviceName, Instant at) {
        stop(port);
        Freed freed = new Freed(port, serviceName, at);
        byPort.put(port, freed);
        ports.set(port);
        byService.computeIfAbsent(serviceName, name -> new HashSet<>()).add(port);
        order.add(freed);
        count(port, 1);
    }

    /** The port was taken: it no longer cools. */
    synchronized void stop(int port) {
        Freed freed = byPort.remove(port);
        if (freed == null) {
            return;
        }
        ports.clear(port);
        Set<Integer> own = byService.get(freed.serviceName());
        own.remove(port);
        if (own.isEmpty()) {
            byService.remove(freed.serviceName());
        }
        count(port, -1);
    }

    /**
     * Retires the entries whose delay has passed, and the head's entries whose port was taken since: the head is
     * then the port freed longest ago, which a full range grants next ({@link #freedLongestAgo}).
     */
    synchronized void prune(Instant now) {
        for (Freed head = order.peek(); head != null && (!stillCooling(head, now) || byPort.get(head.port()) != head);
                head = order.peek()) {
            order.poll();
            if (byPort.get(head.port()) == head) {
                stop(head.port());
            }
        }
    }

    private boolean stillCooling(Freed freed, Instant now) {
        return freed.at().plus(delay).isAfter(now);
    }

    /** Who freed the port and when, if it is kept from this service now. */
    synchronized Optional<Freed> keptFrom(int port, String serviceName, Instant now) {
        Freed freed = byPort.get(port);
        return freed != null && stillCooling(freed, now) && !freed.serviceName().equals(serviceName)
                ? Optional.of(freed) : Optional.empty();
    }

    /** When a port freed at this moment stops cooling. */
    Instant until(Freed freed) {
        return freed.at().plus(delay);
    }

    /** The first port at or after {@code from} that is not cooling, as of the last {@link #prune}. */
    synchronized int nextNotCooling(int from) {
        return ports.nextClearBit(from);
    }

    /** The ports of the range this service freed that still cool, lowest first: a copy, to probe outside the lock. */
    synchronized int[] ownPorts(String serviceName, PortRange range) {
        return byService.getOrDefault(serviceName, Set.of()).stream().mapToInt(Integer::intValue)
                .filter(range::contains).sorted().toArray();
    }

    /**
     * The range's usable port freed longest ago, as of the last {@link #prune}; -1 when none cools. Called only when
     * the range has nothing else free, so its walk (and the probes {@code usable} may make under the lock) are rare.
     */
    synchronized int freedLongestAgo(PortRange range, IntPredicate usable) {
        for (Freed freed : order) {
            if (byPort.get(freed.port()) == freed && range.contains(freed.port()) && usable.test(freed.port())) {
                return freed.port();
            }
        }
        return -1;
    }

    /** Whether no port cools any more at this moment: then nothing of it need be kept. */
    synchronized boolean isEmpty(Instant now) {
        prune(now);
        return byPort.isEmpty();
    }

    /** How many ports of the type's range cool now. */
    synchronized int count(ServiceType type, Instant now) {
        prune(now);
        return counts.getOrDefault(type, 0);
    }

    private void count(int port, int delta) {
        ranges.forEach((type, range) -> {
            if (range.contains(port)) {
                counts.merge(type, delta, Integer::sum);
            }
        });
    }
}
