package io.sirsi.nexus.registry;

import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;

/**
 * The allocations of one host, indexed by id, name and port, and the rule for choosing a free port.
 * Not thread-safe: {@link PortRegistry} is its only user and guards it with one lock.
 */
public final class PortTable {

    private final Map<UUID, Allocation> byId = new HashMap<>();
    private final Map<String, Allocation> byName = new HashMap<>();
    private final Allocation[] byPort = new Allocation[PortRange.MAX_PORT + 1];
    /** Ports that may not be chosen: held by an allocation or reserved by configuration. */
    private final BitSet blocked = new BitSet(PortRange.MAX_PORT + 1);
    private final BitSet held = new BitSet(PortRange.MAX_PORT + 1);
    private final BitSet reserved = new BitSet(PortRange.MAX_PORT + 1);
    private final IntPredicate boundElsewhere;

    /**
     * @param reservedPorts  ports never handed out
     * @param boundElsewhere tells whether another process on this host already listens on a port
     */
    public PortTable(Set<Integer> reservedPorts, IntPredicate boundElsewhere) {
        reservedPorts.forEach(reserved::set);
        blocked.or(reserved);
        this.boundElsewhere = boundElsewhere;
    }

    public Optional<Allocation> byId(UUID allocationId) {
        return Optional.ofNullable(byId.get(allocationId));
    }

    public Optional<Allocation> byName(String serviceName) {
        return Optional.ofNullable(byName.get(serviceName));
    }

    public Optional<Allocation> byPort(int port) {
        return PortRange.isValidPort(port) ? Optional.ofNullable(byPort[port]) : Optional.empty();
    }

    public Collection<Allocation> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public int size() {
        return byId.size();
    }

    /** Adds an allocation, or replaces the one with the same id. Its port and name must be free. */
    public void put(Allocation allocation) {
        Allocation previous = byId.put(allocation.allocationId(), allocation);
        if (previous != null) {
            unindex(previous);
        }
        byName.put(allocation.serviceName(), allocation);
        byPort[allocation.port()] = allocation;
        held.set(allocation.port());
        blocked.set(allocation.port());
    }

    public void remove(Allocation allocation) {
        if (byId.remove(allocation.allocationId()) != null) {
            unindex(allocation);
        }
    }

    private void unindex(Allocation allocation) {
        byName.remove(allocation.serviceName());
        byPort[allocation.port()] = null;
        held.clear(allocation.port());
        if (!reserved.get(allocation.port())) {
            blocked.clear(allocation.port());
        }
    }

    public boolean isReserved(int port) {
        return reserved.get(port);
    }

    /** How many ports of the range allocations hold. */
    public int held(PortRange range) {
        return held.get(range.first(), range.last() + 1).cardinality();
    }

    /** How many ports of the range are reserved by configuration and not held. */
    public int reservedIdle(PortRange range) {
        BitSet idle = reserved.get(range.first(), range.last() + 1);
        idle.andNot(held.get(range.first(), range.last() + 1));
        return idle.cardinality();
    }

    /**
     * Chooses the port for a new allocation: the preferred port when it is free; otherwise, unless the
     * preferred port is required, the first free port of the range.
     *
     * @throws PortUnavailableException the required preferred port is held, reserved or bound elsewhere
     * @throws RangeExhaustedException  no port of the range is free
     */
    public int choosePort(ServiceType type, PortRange range, Optional<Integer> preferredPort, boolean required) {
        if (preferredPort.isPresent()) {
            int preferred = preferredPort.get();
            Optional<String> unavailable = whyUnavailable(preferred);
            if (unavailable.isEmpty()) {
                return preferred;
            }
            if (required) {
                throw new PortUnavailableException("port " + preferred + " is not available: " + unavailable.get());
            }
        }
        for (int port = blocked.nextClearBit(range.first()); port <= range.last(); port = blocked.nextClearBit(port + 1)) {
            if (!boundElsewhere.test(port)) {
                return port;
            }
        }
        int held = held(range);
        int reservedIdle = reservedIdle(range);
        throw new RangeExhaustedException("no free port for " + type + " in range " + range + ": " + held + " of "
                + range.size() + " held by allocations, " + reservedIdle + " reserved, "
                + (range.size() - held - reservedIdle) + " in use by other processes on this host");
    }

    private Optional<String> whyUnavailable(int port) {
        Allocation holder = byPort[port];
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
        return Optional.empty();
    }
}
