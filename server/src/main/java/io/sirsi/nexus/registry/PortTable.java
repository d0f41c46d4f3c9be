package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * The allocations of one host, indexed by id, name and port, the use of each service type's range, and the rule
 * for choosing a free port.
 *
 * <p>One writer, many readers: {@link #put}, {@link #remove} and {@link #choosePort} must be called by one thread
 * at a time ({@link PortRegistry} holds its lock), while the lookups may be called from any thread without a lock.
 * A reader sees each allocation whole (they are immutable). A new or removed allocation may be seen half indexed
 * for a moment (by id but not yet by port); one that keeps its name and port is never missing.
 *
 * <p>Past 400 lines for a reason: its indexes (by id, name, port, and dotted-name suffix for DNS) change
 * together under the one writer, and splitting them would spread that rule over several classes.
 */
public final class PortTable {

    private final Map<UUID, Allocation> byId = new ConcurrentHashMap<>();
    private final Map<String, Allocation> byName = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Allocation> byPort = new AtomicReferenceArray<>(PortRange.MAX_PORT + 1);
    /**
     * The dotted names held here by each of their proper suffixes ({@code api.v2} under {@code v2}): DNS answers
     * NODATA rather than NXDOMAIN for such a suffix while a name below it is offered, and asks without a scan.
     */
    private final Map<String, Set<String>> namesBelow = new ConcurrentHashMap<>();
    private final Map<ServiceType, PortRange> ranges;
    /** Per service type: the use of its range, counted as allocations come and go so that readers need no scan. */
    private final Map<ServiceType, RangeCount> counts;
    /** How many allocations here are Expired: cleanup looks only at the hosts that hold some. */
    private final AtomicInteger expired = new AtomicInteger();
    /** Ports that may not be chosen: held by an allocation or reserved by configuration. Writer only. */
    private final BitSet blocked = new BitSet(PortRange.MAX_PORT + 1);
    /** Never changes after construction, so readers may use it too. */
    private final BitSet reserved = new BitSet(PortRange.MAX_PORT + 1);
    private final IntPredicate boundElsewhere;
    /** Ports freed within the reuse delay, kept from other services for now; see {@link #choosePort}. */
    private final CoolingPorts cooling;
    /** Where first-free searches each range from. Writer only. */
    private final SearchStarts searchStarts;
    /** Random draws before the random strategy lists the free ports: few draws miss unless the range is full. */
    private static final int RANDOM_DRAWS = 16;
    /** For the random strategy; used by the writer only. */
    private final RandomGenerator random = new SplittableRandom();

    /** Of one range: ports held by allocations, and ports reserved by configuration and not held. */
    private record RangeCount(PortRange range, AtomicInteger held, AtomicInteger reservedIdle) {
    }

    /**
     * @param ranges         the range of every service type
     * @param reservedPorts  ports never handed out
     * @param boundElsewhere tells whether another process on this host already listens on a port
     */
    public PortTable(Map<ServiceType, PortRange> ranges, Set<Integer> reservedPorts, IntPredicate boundElsewhere) {
        this(ranges, reservedPorts, boundElsewhere, Duration.ZERO);
    }

    /** @param reuseDelay how long a freed port is kept from other services ({@code 0}: not at all) */
    public PortTable(Map<ServiceType, PortRange> ranges, Set<Integer> reservedPorts, IntPredicate boundElsewhere,
            Duration reuseDelay) {
        this.ranges = Map.copyOf(ranges);
        this.cooling = new CoolingPorts(reuseDelay, this.ranges);
        this.searchStarts = new SearchStarts(this.ranges.values());
        reservedPorts.forEach(reserved::set);
        blocked.or(reserved);
        Map<ServiceType, RangeCount> counting = new HashMap<>();
        this.ranges.forEach((type, range) -> counting.put(type, new RangeCount(range, new AtomicInteger(),
                new AtomicInteger(reserved.get(range.first(), range.last() + 1).cardinality()))));
        this.counts = Map.copyOf(counting);
        this.boundElsewhere = boundElsewhere;
    }

    public Optional<Allocation> byId(UUID allocationId) {
        return Optional.ofNullable(byId.get(allocationId));
    }

    public Optional<Allocation> byName(String serviceName) {
        return Optional.ofNullable(byName.get(serviceName));
    }

    /** The service's allocation here, or null: {@link #byName} without the Optional, for the lookups' hot path. */
    Allocation named(String serviceName) {
        return byName.get(serviceName);
    }

    public Optional<Allocation> byPort(int port) {
        return PortRange.isValidPort(port) ? Optional.ofNullable(byPort.get(port)) : Optional.empty();
    }

    public Collection<Allocation> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public int size() {
        return byId.size();
    }

    /**
     * Adds an allocation, or replaces the one with the same id. Its port and name must be free, or be the ones the
     * allocation it replaces holds: then (a heartbeat, a renewal) the entries are overwritten in place, so that a
     * reader never finds the service missing meanwhile.
     */
    public void put(Allocation allocation) {
        Allocation previous = byId.put(allocation.allocationId(), allocation);
        countExpired(previous, -1);
        countExpired(allocation, 1);
        boolean samePlace = previous != null && previous.port() == allocation.port()
                && previous.serviceName().equals(allocation.serviceName());
        if (previous != null && !samePlace) {
            unindex(previous);
        }
        int vacated = previous != null && previous.port() != allocation.port() ? previous.port() : -1;
        byName.put(allocation.serviceName(), allocation);
        byPort.set(allocation.port(), allocation);
        cooling.stop(allocation.port());
        if (!samePlace) {
            forEachSuffix(allocation.serviceName(), suffix -> namesBelow
                    .computeIfAbsent(suffix, empty -> ConcurrentHashMap.newKeySet()).add(allocation.serviceName()));
            blocked.set(allocation.port());
            count(allocation.port(), 1);
        }
        if (vacated >= 0) {
            untakenIfFree(vacated);
        }
    }

    /** Removes the allocation with this one's id, whatever its stored value says. */
    public void remove(Allocation allocation) {
        Allocation stored = drop(allocation);
        if (stored != null) {
            untakenIfFree(stored.port());
        }
    }

    /** Takes the allocation with this one's id out of the indexes; the one that was stored, or null. */
    private Allocation drop(Allocation allocation) {
        Allocation stored = byId.remove(allocation.allocationId());
        if (stored != null) {
            countExpired(stored, -1);
            unindex(stored);
        }
        return stored;
    }

    /** A port that may have been freed: first-free searches will look at it again unless it is still taken. */
    private void untakenIfFree(int port) {
        if (!blocked.get(port) && !cooling.cools(port)) {
            searchStarts.untakenFrom(port);
        }
    }

    private void countExpired(Allocation allocation, int delta) {
        if (allocation != null && allocation.expired()) {
            expired.addAndGet(delta);
        }
    }

    /** How many allocations here are Expired. */
    public int expired() {
        return expired.get();
    }

    /**
     * Removes the allocation as freed at this moment: its port cools for the reuse delay. An allocation this table
     * no longer holds (a free read back from the change log at start) cools its port too, unless another holds it.
     */
    public void free(Allocation allocation, Instant at) {
        Allocation stored = drop(allocation);
        Allocation freed = stored != null ? stored : allocation;
        if (cooling.enabled() && !reserved.get(freed.port()) && byPort.get(freed.port()) == null) {
            cooling.start(freed.port(), freed.serviceName(), at);
        }
        untakenIfFree(freed.port()); // after the cooling starts: a port that cools is not free to others
    }

    /** Holds nothing, and no port cools: the host costs nothing once this table is dropped. */
    public boolean idle(Instant now) {
        return byId.isEmpty() && cooling.isEmpty(now);
    }

    /** How many ports of the type's range are free but cooling (freed less than the reuse delay ago). */
    public int cooling(ServiceType type, Instant now) {
        return cooling.count(type, now);
    }

    private void unindex(Allocation allocation) {
        byName.remove(allocation.serviceName());
        forEachSuffix(allocation.serviceName(), suffix -> namesBelow.computeIfPresent(suffix, (key, names) -> {
            names.remove(allocation.serviceName());
            return names.isEmpty() ? null : names;
        }));
        byPort.set(allocation.port(), null);
        if (!reserved.get(allocation.port())) {
            blocked.clear(allocation.port());
        }
        count(allocation.port(), -1);
    }

    /** The names held here that end in {@code .} and the suffix; most names have no dot, and cost nothing here. */
    Set<String> namesBelow(String suffix) {
        return namesBelow.getOrDefault(suffix, Set.of());
    }

    private static void forEachSuffix(String name, Consumer<String> action) {
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            action.accept(name.substring(dot + 1));
        }
    }

    /** Counts a port that became held (+1) or free (-1) in every range that contains it. */
    private void count(int port, int delta) {
        for (RangeCount count : counts.values()) {
            if (count.range().contains(port)) {
                count.held().addAndGet(delta);
                if (reserved.get(port)) {
                    count.reservedIdle().addAndGet(-delta);
                }
            }
        }
    }

    /** How many ports of the type's range allocations hold; 0 for a type without a range here. */
    public int held(ServiceType type) {
        RangeCount count = counts.get(type);
        return count == null ? 0 : count.held().get();
    }

    /** How many ports of the type's range are reserved by configuration and not held. */
    public int reservedIdle(ServiceType type) {
        RangeCount count = counts.get(type);
        return count == null ? 0 : count.reservedIdle().get();
    }

    /**
     * What a new allocation's port is chosen from.
     *
     * @param preferredPort granted when free; with {@code required}, nothing else is
     * @param hints         ports the strategy suggests, in order, after the preferred one (same-port, sticky)
     * @param random        fall back to a random free port of the range rather than the first
     * @param avoid         ports never granted to this request
     */
    public record Placement(String serviceName, Optional<Integer> preferredPort, boolean required, List<Hint> hints,
            boolean random, Set<Integer> avoid) {

    }

    /** A port a strategy suggests, and what it is, for the answer's message ("same-port: the port 'x' holds on b"). */
    public record Hint(int port, String what) {
    }

    /** The chosen port, and why it is not the one asked for, when it is not (empty: it is, or none was). */
    public record PortChoice(int port, Optional<String> why) {
    }

    /**
     * Chooses the port for a new allocation of the type: the preferred port when it is free; otherwise, unless the
     * preferred port is required, the first of the strategy's hints that is free and in the type's range, else the
     * first (or a random) free port of the range. A port another service freed less than the reuse delay ago is not
     * free for this one, unless nothing else in the range is: then the port freed longest ago is granted rather than
     * failing. A port in the placement's {@code avoid} set is never granted.
     *
     * @throws PortUnavailableException the required preferred port is held, reserved, cooling or bound elsewhere
     * @throws RangeExhaustedException  no port of the range is free
     */
    public PortChoice choosePort(ServiceType type, Placement placement, Instant now) {
        cooling.prune(now);
        int doneCooling = cooling.takeDoneCooling(); // a reader's count may have pruned too
        if (doneCooling >= 0) {
            searchStarts.untakenFrom(doneCooling);
        }
        List<String> passedOver = new ArrayList<>();
        if (placement.preferredPort().isPresent()) {
            int preferred = placement.preferredPort().get();
            Optional<String> unavailable = whyUnavailable(preferred, placement, now);
            if (unavailable.isEmpty()) {
                return new PortChoice(preferred, Optional.empty());
            }
            if (placement.required()) {
                throw new PortUnavailableException("port " + preferred + " is not available: " + unavailable.get());
            }
            passedOver.add("preferred port " + preferred + " is not available: " + unavailable.get());
        }
        PortRange range = ranges.get(type);
        for (Hint hint : placement.hints()) {
            Optional<String> unavailable = range.contains(hint.port()) ? whyUnavailable(hint.port(), placement, now)
                    : Optional.of("it is outside the " + type + " range " + range);
            if (unavailable.isEmpty()) {
                passedOver.add("granted " + hint.port() + " (" + hint.what() + ")");
                return new PortChoice(hint.port(), Optional.of(String.join("; ", passedOver)));
            }
            passedOver.add("port " + hint.port() + " (" + hint.what() + ") is not available here: "
                    + unavailable.get());
        }
        int port = freePort(type, range, placement, now);
        if (cooling.keptFrom(port, placement.serviceName(), now).isPresent()) {
            passedOver.add("every free port of the range was freed by another service less than the reuse delay ago;"
                    + " granted " + port + ", freed longest ago");
        } else if (!passedOver.isEmpty()) {
            passedOver.add("granted " + port + (placement.random() ? ", a random free port of the range"
                    : ", the first free port of the range"));
        }
        return new PortChoice(port, passedOver.isEmpty() ? Optional.empty()
                : Optional.of(String.join("; ", passedOver)));
    }

    /** The first (or a random) free port of the range, else the one freed longest ago. */
    private int freePort(ServiceType type, PortRange range, Placement placement, Instant now) {
        int port = placement.random() ? randomFree(range, placement, now) : firstFree(range, placement);
        if (port < 0) {
            // nothing else is free: the port another service freed longest ago, rather than failing
            port = cooling.freedLongestAgo(range, candidate -> usable(candidate, placement));
        }
        if (port >= 0) {
            return port;
        }
        int held = held(type);
        int reservedIdle = reservedIdle(type);
        throw new RangeExhaustedException("no free port for " + type + " in range " + range + ": " + held + " of "
                + range.size() + " held by allocations, " + reservedIdle + " reserved, "
                + (range.size() - held - reservedIdle - avoidedFree(range, placement.avoid()))
                + " in use by other processes on this host"
                + (placement.avoid().isEmpty() ? "" : ", the rest in avoid_ports"));
    }

    /**
     * The first port of the range that is neither held, reserved, cooling, avoided nor bound elsewhere, or one of
     * the service's own cooling ports if that comes first; -1 when there is none.
     */
    private int firstFree(PortRange range, Placement placement) {
        int free = -1;
        int firstUntaken = range.last() + 1;
        for (int port = searchStarts.of(range); port <= range.last(); port++) {
            port = blocked.nextClearBit(port);
            int uncooled = cooling.nextNotCooling(port);
            if (uncooled != port) {
                port = uncooled - 1; // past the run of cooling ports, then look for a clear one again
            } else if (port <= range.last()) {
                firstUntaken = Math.min(firstUntaken, port);
                if (usable(port, placement)) {
                    free = port;
                    break;
                }
            }
        }
        searchStarts.searched(range, firstUntaken);
        for (int own : cooling.ownPorts(placement.serviceName(), range)) {
            if (free >= 0 && own > free) {
                break;
            }
            if (usable(own, placement)) {
                return own;
            }
        }
        return free;
    }

    /** A free port at random (one of the service's own cooling ports counts as free); -1 when there is none. */
    private int randomFree(PortRange range, Placement placement, Instant now) {
        // Rejection sampling first: uniform over the free ports and cheap while the range is not nearly full,
        // where drawing from a list of every free port would cost the range's size for each allocation.
        for (int draw = 0; draw < RANDOM_DRAWS; draw++) {
            int port = range.first() + random.nextInt(range.size());
            if (whyUnavailable(port, placement, now).isEmpty()) {
                return port;
            }
        }
        PrimitiveIterator.OfInt candidates = shuffled(unblocked(range, placement.avoid()));
        while (candidates.hasNext()) {
            int port = candidates.nextInt();
            if (!boundElsewhere.test(port) && cooling.keptFrom(port, placement.serviceName(), now).isEmpty()) {
                return port;
            }
        }
        return -1;
    }

    /** Neither avoided by the request nor listened on by another process; the caller knows it is not held. */
    private boolean usable(int port, Placement placement) {
        return !placement.avoid().contains(port) && !boundElsewhere.test(port);
    }

    /** The ports of the range neither held, reserved nor avoided, in order; read lazily. */
    private IntStream unblocked(PortRange range, Set<Integer> avoid) {
        return IntStream.iterate(blocked.nextClearBit(range.first()), port -> port <= range.last(),
                port -> blocked.nextClearBit(port + 1)).filter(port -> !avoid.contains(port));
    }

    /** The ports in a random order: each next one drawn from those not yet drawn (a lazy Fisher-Yates shuffle). */
    private PrimitiveIterator.OfInt shuffled(IntStream ports) {
        int[] pool = ports.toArray();
        return new PrimitiveIterator.OfInt() {
            private int drawn;

            @Override
            public boolean hasNext() {
                return drawn < pool.length;
            }

            @Override
            public int nextInt() {
                int pick = drawn + random.nextInt(pool.length - drawn);
                int port = pool[pick];
                pool[pick] = pool[drawn];
                pool[drawn++] = port;
                return port;
            }
        };
    }

    private int avoidedFree(PortRange range, Set<Integer> avoid) {
        return (int) avoid.stream().filter(port -> range.contains(port) && !blocked.get(port)).count();
    }

    private Optional<String> whyUnavailable(int port, Placement placement, Instant now) {
        String serviceName = placement.serviceName();
        if (placement.avoid().contains(port)) {
            return Optional.of("the request asks to avoid it (avoid_ports)");
        }
        Allocation holder = byPort.get(port);
        if (holder != null) {
            return Optional.of("held by service '" + holder.serviceName() + "' (allocation "
                    + holder.allocationId() + ", " + holder.serviceType() + ")");
        }
        if (reserved.get(port)) {
            return Optional.of("it is a reserved port (sirsi.ports.reserved-ports) and is never allocated");
        }
        if (boundElsewhere.test(port)) {
            return Optional.of("another process on this host is listening on it");
        }
        return cooling.keptFrom(port, serviceName, now).map(freed -> "service '" + freed.serviceName()
                + "' freed it at " + freed.at() + " and it is kept from other services until " + cooling.until(freed)
                + " (sirsi.ports.reuse-delay)");
    }
}
