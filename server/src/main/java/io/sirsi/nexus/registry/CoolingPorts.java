package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>No object per cooling port: a full range keeps tens of thousands of them for the whole delay, long enough for
 * every young collection to copy each object of them until it is promoted: the collector's pauses were the largest
 * cost the reuse delay still had (issue 23). So an entry is a slot in arrays: by port in pages (when
 * it was freed, by whom, the next port the same service freed), in the order of freeing in a ring of ports and
 * stamps, and each service's newest port in an open-addressed table of names.
 */
final class CoolingPorts {

    /** Who freed a port and when: made only to answer {@link #keptFrom}. */
    record Freed(int port, String serviceName, Instant at) {
    }

    private static final int[] NONE = new int[0];
    private static final int NO_PORT = -1;
    /** The ports of a page of {@link #pages}: a page is made when one of its ports first cools. */
    private static final int PAGE_BITS = 10;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    /** The cooling ports of 1,024 consecutive ports: a port cools while its name is set. */
    private static final class Page {
        final String[] name = new String[PAGE_SIZE];
        /** Nanoseconds since the epoch: until the year 2262. */
        final long[] atNanos = new long[PAGE_SIZE];
        /** Which start made the entry: an entry of the order ({@link #orderStamps}) with another stamp is stale. */
        final long[] stamp = new long[PAGE_SIZE];
        /** The next older port still cooling that the same service freed, or {@link #NO_PORT}. */
        final int[] next = new int[PAGE_SIZE];
    }

    private final long delayNanos;
    private final Duration delay;
    private final Page[] pages = new Page[(PortRange.MAX_PORT >> PAGE_BITS) + 1];
    private int size;
    private long starts;
    private final BitSet ports = new BitSet(PortRange.MAX_PORT + 1);
    /** Each service's newest port still cooling, the head of its chain ({@link Page#next}). */
    private final ServiceHeads byService = new ServiceHeads();
    /**
     * The entries in the order they were freed, as port and stamp. Their times may be out of order (a clock set
     * back, or frees another replica made by its clock): an entry behind a later one then stops cooling when that
     * one does, late, never early, since only the head is retired and only by the reader's or writer's own time. An
     * entry whose port was taken or freed again since (its stamp no longer the port's) stays until it reaches the
     * head, and is dropped there.
     */
    private int[] orderPorts = new int[64];
    private long[] orderStamps = new long[64];
    private int orderHead;
    private int orderLength;
    /** The lowest port pruned since {@link #takeDoneCooling} last took it; -1: none. */
    private int doneCooling = -1;
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
        Page page = pages[port >> PAGE_BITS];
        if (page == null) {
            page = new Page();
            pages[port >> PAGE_BITS] = page;
        }
        int slot = slot(port);
        long stamp = ++starts;
        page.name[slot] = serviceName;
        page.atNanos[slot] = epochNanos(at);
        page.stamp[slot] = stamp;
        page.next[slot] = byService.put(serviceName, port);
        size++;
        ports.set(port);
        append(port, stamp);
        count(port, 1);
    }

    /** The port was taken: it no longer cools. */
    synchronized void stop(int port) {
        Page page = pageIfCooling(port);
        if (page == null) {
            return;
        }
        unlink(port, page.name[slot(port)]);
        page.name[slot(port)] = null;
        size--;
        ports.clear(port);
        count(port, -1);
    }

    /**
     * Retires the entries whose delay has passed, and the head's entries whose port was taken since: the head is
     * then the port freed longest ago, which a full range grants next ({@link #freedLongestAgo}). Readers prune too
     * (a count is of the ports cooling now): the lowest port that stopped cooling is kept for the writer to take
     * ({@link #takeDoneCooling}).
     */
    synchronized void prune(Instant now) {
        long freedBefore = freedBefore(now);
        while (orderLength > 0) {
            int port = orderPorts[orderHead];
            boolean current = isCurrent(port, orderStamps[orderHead]);
            if (current && pages[port >> PAGE_BITS].atNanos[slot(port)] > freedBefore) {
                return; // the head still cools
            }
            orderHead = ring(1);
            orderLength--;
            if (current) {
                stop(port);
                doneCooling = doneCooling < 0 ? port : Math.min(doneCooling, port);
            }
        }
    }

    /** The lowest port whose delay passed since the last call, or -1: the writer's, to search from it again. */
    synchronized int takeDoneCooling() {
        int lowest = doneCooling;
        doneCooling = -1;
        return lowest;
    }

    /** Whether the port cools now, as of the last {@link #prune}. */
    synchronized boolean cools(int port) {
        return ports.get(port);
    }

    /** Whether the port cools by the start that made this stamp. */
    private boolean isCurrent(int port, long stamp) {
        Page page = pageIfCooling(port);
        return page != null && page.stamp[slot(port)] == stamp;
    }

    /** The port's page if the port cools, else null. */
    private Page pageIfCooling(int port) {
        Page page = pages[port >> PAGE_BITS];
        return page != null && page.name[slot(port)] != null ? page : null;
    }

    /** The port's place in its page. */
    private static int slot(int port) {
        return port & (PAGE_SIZE - 1);
    }

    /** Where the order's entry this many after its head sits in the ring. */
    private int ring(int fromHead) {
        return (orderHead + fromHead) % orderPorts.length;
    }

    /** Entries freed at or before this moment, now less the delay, no longer cool. */
    private long freedBefore(Instant now) {
        return epochNanos(now) - delayNanos;
    }

    private void append(int port, long stamp) {
        if (orderLength == orderPorts.length) { // full: a ring twice the size, its head at 0
            int[] grownPorts = new int[orderPorts.length * 2];
            long[] grownStamps = new long[grownPorts.length];
            for (int i = 0; i < orderLength; i++) {
                grownPorts[i] = orderPorts[ring(i)];
                grownStamps[i] = orderStamps[ring(i)];
            }
            orderPorts = grownPorts;
            orderStamps = grownStamps;
            orderHead = 0;
        }
        int tail = ring(orderLength);
        orderPorts[tail] = port;
        orderStamps[tail] = stamp;
        orderLength++;
    }

    /** Saturated beyond what a long holds (the years 1677 and 2262): a clock that far off keeps its order. */
    private static long epochNanos(Instant at) {
        try {
            return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
        } catch (ArithmeticException beyond) {
            return at.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Who freed the port and when, if it is kept from this service now. */
    synchronized Optional<Freed> keptFrom(int port, String serviceName, Instant now) {
        Page page = pageIfCooling(port);
        int slot = slot(port);
        if (page == null || page.atNanos[slot] <= freedBefore(now) || page.name[slot].equals(serviceName)) {
            return Optional.empty();
        }
        return Optional.of(new Freed(port, page.name[slot], Instant.ofEpochSecond(0, page.atNanos[slot])));
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
        int newest = byService.get(serviceName);
        if (newest == NO_PORT) {
            return NONE; // most allocations: a service that freed nothing lately
        }
        int length = 0;
        for (int port = newest; port != NO_PORT; port = next(port)) {
            length++;
        }
        int[] own = new int[length];
        int found = 0;
        for (int port = newest; port != NO_PORT; port = next(port)) {
            if (range.contains(port)) {
                own[found++] = port;
            }
        }
        own = found == length ? own : Arrays.copyOf(own, found);
        Arrays.sort(own);
        return own;
    }

    private int next(int port) {
        return pages[port >> PAGE_BITS].next[slot(port)];
    }

    /**
     * The range's usable port freed longest ago, as of the last {@link #prune}; -1 when none cools. Called only when
     * the range has nothing else free, so its walk (and the probes {@code usable} may make under the lock) are rare.
     */
    synchronized int freedLongestAgo(PortRange range, IntPredicate usable) {
        for (int i = 0; i < orderLength; i++) {
            int at = ring(i);
            int port = orderPorts[at];
            if (isCurrent(port, orderStamps[at]) && range.contains(port) && usable.test(port)) {
                return port;
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

    /** Takes the port out of its service's chain: usually the chain's only one, else a short walk. */
    private void unlink(int port, String serviceName) {
        int newest = byService.get(serviceName);
        if (newest == port) {
            byService.replace(serviceName, next(port));
            return;
        }
        for (int before = newest; before != NO_PORT; before = next(before)) {
            if (next(before) == port) {
                pages[before >> PAGE_BITS].next[slot(before)] = next(port);
                return;
            }
        }
    }

    private void count(int port, int delta) {
        for (int i = 0; i < countedRanges.length; i++) {
            if (countedRanges[i].contains(port)) {
                counts[i] += delta;
            }
        }
    }

    /**
     * Each service's newest cooling port, by name: linear probing over two arrays, so that a service costs a slot
     * rather than a map node and a boxed port. A removal shifts back the entries its slot had pushed on, so a lookup
     * stops at the first empty slot.
     */
    static final class ServiceHeads {
        private String[] names = new String[16];
        private int[] heads = new int[16];
        private int size;

        /** The service's newest port, or {@link #NO_PORT}. */
        int get(String name) {
            for (int slot = slot(name, names.length); names[slot] != null; slot = (slot + 1) & (names.length - 1)) {
                if (names[slot].equals(name)) {
                    return heads[slot];
                }
            }
            return NO_PORT;
        }

        /** Makes the port the service's newest, and gives the one it was ({@link #NO_PORT} if none). */
        int put(String name, int port) {
            int slot = slot(name, names.length);
            for (; names[slot] != null; slot = (slot + 1) & (names.length - 1)) {
                if (names[slot].equals(name)) {
                    int previous = heads[slot];
                    heads[slot] = port;
                    return previous;
                }
            }
            names[slot] = name;
            heads[slot] = port;
            if (++size * 2 > names.length) {
                grow();
            }
            return NO_PORT;
        }

        /** Sets the service's newest port, or forgets the service when it is {@link #NO_PORT}. */
        void replace(String name, int port) {
            int slot = slot(name, names.length);
            while (names[slot] != null && !names[slot].equals(name)) {
                slot = (slot + 1) & (names.length - 1);
            }
            if (names[slot] == null) {
                return;
            }
            if (port != NO_PORT) {
                heads[slot] = port;
                return;
            }
            names[slot] = null;
            size--;
            int mask = names.length - 1;
            for (int hole = slot, at = (slot + 1) & mask; names[at] != null; at = (at + 1) & mask) {
                int home = slot(names[at], names.length);
                // the entry moves back into the hole unless its home lies cyclically after the hole, up to it
                if (((at - home) & mask) >= ((at - hole) & mask)) {
                    names[hole] = names[at];
                    heads[hole] = heads[at];
                    names[at] = null;
                    hole = at;
                }
            }
        }

        int size() {
            return size;
        }

        private void grow() {
            String[] oldNames = names;
            int[] oldHeads = heads;
            names = new String[oldNames.length * 2];
            heads = new int[names.length];
            for (int i = 0; i < oldNames.length; i++) {
                if (oldNames[i] != null) {
                    int slot = slot(oldNames[i], names.length);
                    while (names[slot] != null) {
                        slot = (slot + 1) & (names.length - 1);
                    }
                    names[slot] = oldNames[i];
                    heads[slot] = oldHeads[i];
                }
            }
        }

        private static int slot(String name, int length) {
            int hash = name.hashCode();
            return (hash ^ (hash >>> 16)) & (length - 1);
        }
    }
}
