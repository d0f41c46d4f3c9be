package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The read model: lookups and counts answered from the {@link RegistryIndex} without a lock, each as fresh as
 * {@link IndexReplica#fresh} makes it. A read never creates a host's state: that would keep something for any
 * name a client sends.
 */
final class RegistryQueries {

    static final Comparator<Allocation> BY_PORT = Comparator.comparing(Allocation::host)
            .thenComparingInt(Allocation::port);

    private final RegistryIndex index;
    private final IndexReplica replica;
    private final HostChanges changes;
    private final Hosts hosts;
    private final Map<ServiceType, PortRange> ranges;
    private final Comparator<Allocation> byLiveness;
    /** What a host that holds nothing looks like to a read. */
    private final PortTable emptyTable;
    private final InstantSource clock;

    RegistryQueries(RegistryIndex index, IndexReplica replica, HostChanges changes, Hosts hosts,
            Map<ServiceType, PortRange> ranges, Set<Integer> reservedPorts, InstantSource clock) {
        this.index = index;
        this.replica = replica;
        this.changes = changes;
        this.hosts = hosts;
        this.ranges = ranges;
        this.emptyTable = new PortTable(ranges, reservedPorts, port -> false);
        this.clock = clock;
        this.byLiveness = Comparator.comparingInt((Allocation allocation) -> allocation.expired() ? 2
                        : allocation.draining() ? 1 : 0) // live ones first, then those on their way out
                .thenComparing(allocation -> !allocation.host().equals(hosts.defaultHost()))
                .thenComparing(Allocation::host);
    }

    /** Completes once the index holds every change committed before this call. */
    CompletionStage<Void> fresh() {
        changes.requireOpen();
        return replica.fresh();
    }

    /** How many allocations the index holds as it is, not caught up with the log first (which needs the store). */
    int heldNow() {
        return (int) index.all().count();
    }

    List<Allocation> all() {
        HostChanges.await(fresh());
        return index.all().sorted(BY_PORT).toList();
    }

    List<String> knownHosts() {
        return hosts.withHolders(index.hosts().stream()
                .filter(host -> index.existing(host).map(table -> table.size() > 0).orElse(false)).toList());
    }

    List<Allocation> onHost(String host) {
        HostChanges.await(fresh());
        return index.existing(host).map(table -> table.all().stream().sorted(BY_PORT).toList()).orElse(List.of());
    }

    CompletionStage<Optional<Allocation>> byName(String serviceName, String host) {
        return fresh().thenApply(fresh -> byNameNow(serviceName, host));
    }

    /**
     * A stale read (Consul's {@code ?stale}): answered from the index as it is, without waiting for the change
     * log; with the revision it is at least as new as and how far behind the log's head it may be.
     */
    <T> StaleRead<T> stale(Function<RegistryQueries, T> read) {
        changes.requireOpen();
        long revision = index.revision(); // read first: the answer is at least this new
        Duration lag = replica.lag();
        return new StaleRead<>(read.apply(this), revision, lag);
    }

    /** The service on the host, as the index holds it now. */
    Optional<Allocation> byNameNow(String serviceName, String host) {
        return index.existing(host).flatMap(table -> table.byName(serviceName));
    }

    CompletionStage<Optional<Allocation>> byPort(int port, String host) {
        return fresh().thenApply(fresh -> index.existing(host).flatMap(table -> table.byPort(port)));
    }

    CompletionStage<List<Allocation>> instances(String serviceName) {
        return fresh().thenApply(fresh -> instancesNow(serviceName));
    }

    /** As the index holds them now: live ones first, then those on their way out, then the own host, then by host. */
    List<Allocation> instancesNow(String serviceName) {
        List<Allocation> found = index.instances(serviceName);
        return found.size() < 2 ? found : found.stream().sorted(byLiveness).toList();
    }

    /** The service's instances that discovery offers ({@link Offered}), by host, without waiting on a thread. */
    CompletionStage<List<Allocation>> offeredInstances(String serviceName) {
        return fresh().thenApply(fresh -> index.instances(serviceName).stream().filter(Offered.INSTANCE)
                .sorted(BY_PORT).toList());
    }

    /**
     * Whether discovery offers a service (on the host, if one is given) whose name ends in {@code .} and the suffix:
     * the DNS name of the suffix is then an empty non-terminal, which exists (NODATA) though no service has that name.
     */
    CompletionStage<Boolean> offersServiceBelow(String suffix, Optional<String> host) {
        return fresh().thenApply(fresh -> host.isPresent()
                ? index.existing(host.get()).map(table -> offersBelow(table, suffix)).orElse(false)
                : index.tables().stream().anyMatch(table -> offersBelow(table, suffix)));
    }

    private static boolean offersBelow(PortTable table, String suffix) {
        for (String name : table.namesBelow(suffix)) {
            Allocation instance = table.named(name);
            if (instance != null && Offered.INSTANCE.test(instance)) {
                return true;
            }
        }
        return false;
    }

    /** The type's instances that discovery offers ({@link Offered}), by host and port, without waiting on a thread. */
    CompletionStage<List<Allocation>> offeredOfType(ServiceType type) {
        return fresh().thenApply(fresh -> index.all().filter(Offered.INSTANCE)
                .filter(allocation -> allocation.serviceType().equals(type)).sorted(BY_PORT).toList());
    }

    CompletionStage<List<RangeUsage>> rangeUsage(String host) {
        return fresh().thenApply(fresh -> rangeUsageNow(host));
    }

    private List<RangeUsage> rangeUsageNow(String host) {
        PortTable table = index.existing(host).orElse(emptyTable);
        List<RangeUsage> usage = new ArrayList<>();
        Instant now = clock.instant();
        ranges.forEach((type, range) -> usage.add(new RangeUsage(type, range, table.held(type),
                table.reservedIdle(type), table.cooling(type, now))));
        return usage;
    }

    Map<String, PortRegistry.HostUsage> hostUsage() {
        HostChanges.await(fresh());
        Map<String, PortRegistry.HostUsage> usage = new LinkedHashMap<>();
        for (String host : knownHosts()) {
            List<Allocation> held = index.existing(host).map(table -> List.copyOf(table.all())).orElse(List.of());
            usage.put(host, new PortRegistry.HostUsage(held, rangeUsageNow(host)));
        }
        return usage;
    }
}
