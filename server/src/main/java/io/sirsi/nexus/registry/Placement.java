package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Where a new allocation goes: the request's wishes and its strategy's hints (same-port, sticky) made into a
 * {@link PortTable.Placement}, the port the host's table chooses for it, and the allocation added there.
 */
final class Placement {

    private static final Logger LOG = Logger.getLogger(Placement.class);

    private final RegistryObserver observer;
    private final Hosts hosts;
    private final Supplier<List<String>> knownHosts;
    private final AllocationIds ids = new AllocationIds();

    Placement(RegistryObserver observer, Hosts hosts, Supplier<List<String>> knownHosts) {
        this.observer = observer;
        this.hosts = hosts;
        this.knownHosts = knownHosts;
    }

    /**
     * Refuses a host that holds nothing while {@code sirsi.ports.max-hosts} hosts are known; called before the
     * decision asks for the host's table, which would make one, so that a refused host costs nothing.
     */
    void admitHost(ChangeSet changes, String host) {
        if (changes.index().existing(host).map(PortTable::size).orElse(0) == 0) {
            hosts.admitNew(host, knownHosts);
        }
    }

    /** Adds a new allocation of the protocol on the host at the port the placement chooses, kept by heartbeats. */
    Grant place(ChangeSet changes, String host, ServiceType type, PortTable.Placement placement,
            Optional<Long> processId, Protocol protocol) {
        return place(changes, host, type, placement, processId, Liveness.HEARTBEAT, Optional.empty(), protocol);
    }

    /** Adds a new allocation on the host at the port the placement chooses. */
    Grant place(ChangeSet changes, String host, ServiceType type, PortTable.Placement placement,
            Optional<Long> processId, Liveness liveness, Optional<HealthCheck> check, Protocol protocol) {
        admitHost(changes, host);
        Instant now = changes.now();
        PortTable.PortChoice choice;
        try {
            choice = changes.table(host).choosePort(type, placement, now);
        } catch (RangeExhaustedException e) {
            refused(RegistryObserver.Conflict.RANGE_EXHAUSTED);
            throw e;
        } catch (PortUnavailableException e) {
            refused(RegistryObserver.Conflict.PORT_UNAVAILABLE);
            throw e;
        } catch (RegistryException e) {
            refused(RegistryObserver.Conflict.SERVICE_CONFLICT);
            throw e;
        }
        Allocation allocation = new Allocation(ids.next(now), host, choice.port(), placement.serviceName(), type,
                processId, now, now, AllocationStatus.ACTIVE, liveness, check, protocol);
        changes.add(allocation, EventType.ALLOCATED);
        // concatenated, not infof: a printf pattern is parsed anew for every line (measured: 3 % of an
        // allocate+release cycle's CPU), and these lines come thousands a second
        changes.onCommit(() -> LOG.info("Allocated port " + choice.port() + " on " + host + " to "
                + allocation.serviceName() + " (" + type + ", allocation " + allocation.allocationId() + ")"));
        return new Grant(allocation, true, choice.why());
    }

    /** A request refused with a conflict, counted for the meters. */
    void refused(RegistryObserver.Conflict reason) {
        observer.refused(reason);
    }

    /** How a new allocation of the service on the host is placed: the request's wishes and the strategy's hints. */
    PortTable.Placement of(ChangeSet changes, String host, String serviceName, PlacementStrategy strategy,
            Optional<Integer> preferredPort, boolean required, Set<Integer> avoid) {
        return new PortTable.Placement(serviceName, preferredPort, required,
                hints(changes, host, serviceName, strategy), strategy == PlacementStrategy.RANDOM, avoid);
    }

    /**
     * The ports the strategy suggests for a new allocation of the service on the host: for same-port, those its
     * instances hold on other hosts, the most common first; for sticky, the one it held last here, as the change log
     * remembers it (within its retention).
     */
    private List<PortTable.Hint> hints(ChangeSet changes, String host, String serviceName,
            PlacementStrategy strategy) {
        return switch (strategy) {
            case FIRST_FREE, RANDOM -> List.of();
            case SAME_PORT -> {
                Map<Integer, List<String>> holders = new TreeMap<>();
                changes.index().instances(serviceName).stream().filter(other -> !other.host().equals(host))
                        .forEach(other -> holders.computeIfAbsent(other.port(), port -> new ArrayList<>())
                                .add(other.host()));
                yield holders.entrySet().stream()
                        .sorted(Comparator.comparingInt((Map.Entry<Integer, List<String>> e) -> -e.getValue().size()))
                        .map(e -> new PortTable.Hint(e.getKey(), "same-port: the port '" + serviceName
                                + "' holds on " + String.join(", ", e.getValue())))
                        .toList();
            }
            case STICKY -> changes.transaction().history(new HistoryQuery(new EventFilter(Optional.of(serviceName),
                            Optional.empty(), Optional.of(host), Optional.empty()), Optional.empty(), Optional.empty(),
                            1)).stream()
                    .map(last -> new PortTable.Hint(last.allocation().port(), "sticky: the port '" + serviceName
                            + "' held last on " + host + ", " + last.type().wireName() + " at " + last.at()))
                    .toList();
        };
    }
}
