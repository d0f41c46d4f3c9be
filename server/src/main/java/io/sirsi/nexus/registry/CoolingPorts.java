package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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

    /**
     * A port freed by a service at a moment; {@code next} links the other ports the same service freed that still
     * cool, newest first. One small object per port cooling, its time a number in it rather than an {@link Instant}
     * of its own, and found by port in an array rather than a map of boxed ports: a full range keeps tens of
     * thousands of them for the whole delay, long enough for every young collection to copy each object of them until
     * it is promoted (issue 23).
     */
    static final class Freed {
        private final int port;
        private final String serviceName;
        /** Nanoseconds since the epoch: until the year 2262. */
        private final long atNanos;
        private Freed next;

        Freed(int port, String serviceName, Instant at) {
            this.port = port;
            this.serviceName = serviceName;
            this.atNanos = epochNanos(at);
        }

        int port() {
            return port;
        }

        String serviceName() {
            return serviceName;
        }

        Instant at() {
            return Instant.ofEpochSecond(0, atNanos);
        }
    }

    private static final int[] NONE = new int[0];
    /** The ports of a page of {@link #byPort}: a page is made when one of its ports first cools. */
    private static final int PAGE_BITS = 10;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private final long delayNanos;
    private final Duration delay;
    /** Each cooling port's entry, by port, in pages: a host whose ports never cool has none. */
    private final Freed[][] byPort = new Freed[(PortRange.MAX_PORT >> PAGE_BITS) + 1][];
    private int size;
    private final BitSet ports = new BitSet(PortRange.MAX_PORT + 1);
    /** Each service's newest port still cooling, the head of its chain ({@link Freed#next}). */
    private final Map<String, Freed> byService = new HashMap<>();
    /**
     * The entries in the order they were freed. Their times may be out of order (a clock set back, or frees another
     * replica made by its clock): an entry behind a later one then stops cooling when that one does, late, never
     * early, since only the head is retired and only by the reader's or writer's own time. An entry whose port was
     * taken or freed again since stays until it reaches the head, and is dropped there.
     */
    private final ArrayDeque<Freed> order = new ArrayDeque<>();
    /** The types' ranges, and how many ports of each cool, at the same index: counted without boxing. */
    private final PortRange[] countedRanges;
    private final Map<ServiceType, Integer> rangeIndex = new HashMap<>();
    private final int[] counts;

    CoolingPorts(Duration delay, Map<ServiceType, PortRange> ranges) {
        this.delay = delay;
        this.delayNanos = delay.compareTo(Duration.ofDays(100 * 365)) > 0 ? Long.MAX_VALUE / 2 : delay.toNanos();
        this.countedRanges = new PortRange[ranges.size()];
        this.counts = new int[ranges.size()];
        int index = 0;
        for (Map.Entry<ServiceType, PortRange> range : ranges.entrySet()) {
            rangeIndex.put(range.getKey(), index);
            countedRanges[index++] = range.getValue();
        }
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
        put(port, freed);
        ports.set(port);
        freed.next = byService.put(serviceName, freed);
        order.add(freed);
        count(port, 1);
    }

    /** The port was taken: it no longer cools. */
    synchronized void stop(int port) {
        Freed freed = entry(port);
        if (freed == null) {
            return;
        }
        byPort[port >> PAGE_BITS][port & (PAGE_SIZE - 1)] = null;
        size--;
        ports.clear(port);
        unlink(freed);
        count(port, -1);
    }

    /**
     * Retires the entries whose delay has passed, and the head's entries whose port was taken since: the head is
     * then the port freed longest ago, which a full range grants next ({@link #freedLongestAgo}).
     */
    synchronized void prune(Instant now) {
        long freedBefore = epochNanos(now) - delayNanos;
        for (Freed head = order.peek(); head != null; head = order.peek()) {
            boolean current = entry(head.port) == head;
            if (current && stillCooling(head, freedBefore)) {
                return; // the head still cools
            }
            order.poll();
            if (current) {
                stop(head.port);
            }
        }
    }

    /** Whether the port was freed less than the delay ago: after {@code freedBefore}, which is now less the delay. */
    private static boolean stillCooling(Freed freed, long freedBefore) {
        return freed.atNanos > freedBefore;
    }

    /** Saturated beyond what a long holds (the years 1677 and 2262): a clock that far off keeps its order. */
    private static long epochNanos(Instant at) {
        try {
            return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
        } catch (ArithmeticException beyond) {
            return at.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private Freed entry(int port) {
        Freed[] page = byPort[port >> PAGE_BITS];
        return page == null ? null : page[port & (PAGE_SIZE - 1)];
    }

    private void put(int port, Freed freed) {
        Freed[] page = byPort[port >> PAGE_BITS];
        if (page == null) {
            page = new Freed[PAGE_SIZE];
            byPort[port >> PAGE_BITS] = page;
        }
        page[port & (PAGE_SIZE - 1)] = freed;
        size++;
    }

    /** Who freed the port and when, if it is kept from this service now. */
    synchronized Optional<Freed> keptFrom(int port, String serviceName, Instant now) {
        Freed freed = entry(port);
        return freed != null && stillCooling(freed, epochNanos(now) - delayNanos)
                && !freed.serviceName().equals(serviceName) ? Optional.of(freed) : Optional.empty();
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
        Freed newest = byService.get(serviceName);
        if (newest == null) {
            return NONE; // most allocations: a service that freed nothing lately
        }
        int length = 0;
        for (Freed freed = newest; freed != null; freed = freed.next) {
            length++;
        }
        int[] own = new int[length];
        int found = 0;
        for (Freed freed = newest; freed != null; freed = freed.next) {
            if (range.contains(freed.port)) {
                own[found++] = freed.port;
            }
        }
        own = found == length ? own : Arrays.copyOf(own, found);
        Arrays.sort(own);
        return own;
    }

    /**
     * The range's usable port freed longest ago, as of the last {@link #prune}; -1 when none cools. Called only when
     * the range has nothing else free, so its walk (and the probes {@code usable} may make under the lock) are rare.
     */
    synchronized int freedLongestAgo(PortRange range, IntPredicate usable) {
        for (Freed freed : order) {
            if (entry(freed.port()) == freed && range.contains(freed.port()) && usable.test(freed.port())) {
                return freed.port();
            }
        }
        return -1;
    }

    /** Whether no port cools any more at this moment: then nothing of it need be kept. */
    synchronized boolean isEmpty(Instant now) {
        prune(now);
        return size == 0;
    }

    /** How many ports of the type's range cool now. */
    synchronized int count(ServiceType type, Instant now) {
        prune(now);
        Integer index = rangeIndex.get(type);
        return index == null ? 0 : counts[index];
    }

    /**
     * Takes the entry out of its service's chain: usually the chain's only one, else a short walk. Its own link is
     * cleared, so that an entry left in {@link #order} until it reaches the head holds no older ones alive.
     */
    private void unlink(Freed freed) {
        Freed newest = byService.get(freed.serviceName);
        if (newest == freed) {
            if (freed.next == null) {
                byService.remove(freed.serviceName);
            } else {
                byService.put(freed.serviceName, freed.next);
            }
        } else {
            for (Freed before = newest; before != null; before = before.next) {
                if (before.next == freed) {
                    before.next = freed.next;
                    break;
                }
            }
        }
        freed.next = null;
    }

    private void count(int port, int delta) {
        for (int i = 0; i < countedRanges.length; i++) {
            if (countedRanges[i].contains(port)) {
                counts[i] += delta;
            }
        }
    }
}
