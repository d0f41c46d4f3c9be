package io.sirsi.nexus.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.EventType;
import io.sirsi.nexus.registry.Hosts;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.RangeUsage;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.registry.RegistryObserver;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.ServiceTypes;
import io.sirsi.nexus.registry.StoreUnavailableException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The registry's meters. Counters are driven by what the registry reports ({@link RegistryObserver}): committed
 * events by type, grants per type and host, releases, removals of Expired allocations, heartbeats and conflicts.
 * Gauges of its state are read at scrape time, per host: allocations by status and type, each type's range (its
 * utilisation, size and free ports), self-preservation, and whether the store answers. A host's gauges are
 * registered by the first scrape after this process committed an allocation there, or that sees the host (one
 * another replica used; the registry's own host from the start), so they report from the scrape after it; every
 * type of the registry's {@link ServiceTypes} has them, configured ones too.
 *
 * <p>A host that holds nothing costs nothing: when the registry drops its state, every meter tagged with it goes
 * (and comes back if the host is used again; a counter then restarts from 0, which Prometheus reads as a reset).
 * A scrape removes too the gauges of a host it no longer sees, in case it bound them as the host was dropped.
 */
@Singleton
public class RegistryMeters implements MeterBinder, RegistryObserver {

    /** A scrape reads every gauge within a moment; a snapshot this young is reused. */
    private static final Duration MAX_AGE = Duration.ofSeconds(1);
    /**
     * The commit histogram's buckets, 1 ms doubling to 8 s as etcd's backend commit histogram has them: a healthy
     * local disk commits within a few milliseconds, and a commit of a second or more is a slow or failing disk.
     */
    private static final Duration[] COMMIT_BUCKETS = IntStream.rangeClosed(0, 13)
            .mapToObj(doubling -> Duration.ofNanos(1_000_000L << doubling)).toArray(Duration[]::new);

    private final MeterRegistry meters;
    private final Instance<PortRegistry> registry;
    private final ServiceTypes types;
    private final String defaultHost;
    private final Map<EventType, Counter> changes = new EnumMap<>(EventType.class);
    private final Counter heartbeats;
    private final Counter released;
    /** Expired allocations removed by cleanup (the name predates the {@code expired} event). */
    private final Counter removedExpired;
    /** Every reason from the start, at 0: a counter that appears with its first increment loses it to rate(). */
    private final Map<RegistryObserver.Conflict, Counter> conflicts = new EnumMap<>(RegistryObserver.Conflict.class);
    /** The store writer's commits: how long each took, how many events each carried, and how busy the writer is. */
    private final Timer commits;
    private final DistributionSummary commitEvents;
    private final Counter writerBusy;
    /**
     * Per host: its grant counters by type, and its gauges once bound. Meters are registered and removed outside any
     * lock of this class: a scrape registers gauges while it reads the registry, and Micrometer has locks of its own.
     */
    private final Map<String, HostMeters> hosts = new ConcurrentHashMap<>();
    /** Hosts this process used whose gauges the next scrape registers: not the writer's work, which must be quick. */
    private final Set<String> unbound = ConcurrentHashMap.newKeySet();
    private volatile Snapshot last;

    /** The meters tagged with one host. */
    private static final class HostMeters {
        final Map<ServiceType, Counter> granted = new ConcurrentHashMap<>();
        final List<Meter> gauges = new CopyOnWriteArrayList<>();

        List<Meter> all() {
            List<Meter> all = new ArrayList<>(gauges);
            all.addAll(granted.values());
            return all;
        }
    }

    /** Hosts whose agent's gauge is registered. */
    private final Set<String> agentHosts = ConcurrentHashMap.newKeySet();

    public RegistryMeters(MeterRegistry meters, Instance<PortRegistry> registry, ServiceTypes types,
            RegistryConfig config) {
        this.meters = meters;
        this.registry = registry;
        this.types = types;
        this.defaultHost = Hosts.normalize(config.host()).orElse(config.host());
        for (ServiceType type : types.all()) {
            granted(type, defaultHost); // every type has a sample from the start
        }
        for (EventType type : EventType.values()) {
            changes.put(type, meters.counter("sirsi.changes", "type", type.wireName()));
        }
        this.heartbeats = meters.counter("sirsi.heartbeats");
        this.released = meters.counter("sirsi.allocations.released");
        this.removedExpired = meters.counter("sirsi.allocations.expired");
        for (RegistryObserver.Conflict conflict : RegistryObserver.Conflict.values()) {
            conflicts.put(conflict, meters.counter("sirsi.allocations.conflicts", "reason",
                    conflict.name().toLowerCase(java.util.Locale.ROOT)));
        }
        this.commits = Timer.builder("sirsi.store.commit")
                .description("Store transactions of the registry's writer, each committing one group of changes,"
                        + " from their start to the end of their commit (fsync included)")
                .serviceLevelObjectives(COMMIT_BUCKETS)
                .register(meters);
        this.commitEvents = DistributionSummary.builder("sirsi.store.commit.events")
                .description("Change-log events per store commit: how many changes group commit put in one"
                        + " transaction")
                .register(meters);
        this.writerBusy = Counter.builder("sirsi.store.writer.busy").baseUnit("seconds")
                .description("Time the registry's one store writer spent deciding, committing and answering"
                        + " groups of changes; its rate is the writer's utilisation, from 0 to 1")
                .register(meters);
    }

    // ---- counters, driven by the registry ----------------------------------------------------------------------

    @Override
    public void committed(List<ChangeEvent> events) {
        for (ChangeEvent event : events) {
            changes.get(event.type()).increment();
            if (!event.type().freesPort()) {
                noteUsed(event.allocation().host());
            }
            switch (event.type()) {
                case ALLOCATED -> granted(event.allocation().serviceType(), event.allocation().host()).increment();
                case RELEASED -> released.increment();
                case REMOVED -> removedExpired.increment();
                default -> {
                }
            }
        }
    }

    @Override
    public void groupCommitted(int events, long transactionNanos) {
        commits.record(transactionNanos, TimeUnit.NANOSECONDS);
        commitEvents.record(events);
    }

    @Override
    public void writerBusy(long nanos) {
        writerBusy.increment(nanos / 1e9);
    }

    @Override
    public void heartbeat() {
        heartbeats.increment();
    }

    @Override
    public void refused(RegistryObserver.Conflict reason) {
        conflicts.get(reason).increment();
    }

    private void noteUsed(String host) {
        HostMeters held = hosts.get(host);
        if (held == null || held.gauges.isEmpty()) {
            unbound.add(host);
        }
    }

    @Override
    public void hostIdle(String host) {
        unbound.remove(host);
        if (host.equals(defaultHost)) {
            return;
        }
        HostMeters gone = hosts.remove(host);
        if (gone != null) {
            gone.all().forEach(meters::remove);
        }
    }

    /** Called by the registry's writer thread only, as {@link #hostIdle} is. */
    private Counter granted(ServiceType type, String host) {
        HostMeters held = hosts.computeIfAbsent(host, name -> new HostMeters());
        Counter counter = held.granted.get(type);
        if (counter == null) {
            counter = meters.counter("sirsi.allocations.granted", "type", type.wireName(), "host", host);
            held.granted.put(type, counter);
        }
        return counter;
    }

    // ---- gauges, read at scrape time ---------------------------------------------------------------------------

    /** A host's agent reported: from then on its unregistered listeners have a gauge, as long as this process runs. */
    @Override
    public void agentReported(String host) {
        if (agentHosts.add(host)) {
            Gauge.builder("sirsi.unregistered_listeners", this, binder -> binder.unregisteredListeners(host))
                    .description("Listeners in managed ranges that no allocation on the host holds, as its agent"
                            + " last saw them; their ports are not granted there")
                    .tag("host", host).register(meters);
        }
    }

    private double unregisteredListeners(String host) {
        PortRegistry current = registry.get();
        return current.agents().unregisteredCounts().getOrDefault(host, 0);
    }

    @Override
    public void bindTo(MeterRegistry scraped) {
        bindHost(defaultHost);
        Gauge.builder("sirsi.store.up", this, binder -> binder.snapshot().storeUp())
                .description("1 while the allocation store answers (the readiness check), 0 while it does not")
                .register(meters);
    }

    private void bindHost(String host) {
        HostMeters bound = hosts.get(host);
        if (bound != null && !bound.gauges.isEmpty()) {
            return;
        }
        bound = hosts.computeIfAbsent(host, name -> new HostMeters());
        List<Meter> gauges = new ArrayList<>();
        gauges.add(Gauge.builder("sirsi.self_preservation", this, binder -> binder.selfPreserving(host) ? 1 : 0)
                .description("1 while the host is in self-preservation: its allocations are held, not expired")
                .tag("host", host).register(meters));
        for (ServiceType type : types.all()) {
            for (AllocationStatus status : AllocationStatus.values()) {
                gauges.add(Gauge.builder("sirsi.allocations", this,
                                binder -> binder.snapshot().count(host, type, status))
                        .description("Allocations holding a port, by status, service type and host")
                        .tag("type", type.wireName()).tag("status", status.label()).tag("host", host)
                        .register(meters));
            }
            gauges.add(rangeGauge(host, type, "sirsi.range.utilisation",
                    "Share of the service type's port range held or reserved, 0 to 1", RangeUsage::utilisation));
            // the ports themselves, so that an alert can say how many are left, not only a share
            gauges.add(rangeGauge(host, type, "sirsi.range.size", "Ports in the service type's range",
                    usage -> usage.range().size()));
            gauges.add(rangeGauge(host, type, "sirsi.range.available",
                    "Ports of the service type's range that can still be handed out", RangeUsage::available));
        }
        bound.gauges.addAll(gauges);
        if (hosts.get(host) != bound) {
            gauges.forEach(meters::remove); // the host was dropped meanwhile, and its meters with it
        }
    }

    private boolean selfPreserving(String host) {
        PortRegistry current = registry.get();
        return current.isOpen() && current.selfPreserving(host);
    }

    private Meter rangeGauge(String host, ServiceType type, String name, String description,
            ToDoubleFunction<RangeUsage> value) {
        return Gauge.builder(name, this, binder -> binder.snapshot().range(host, type, value))
                .description(description).tag("type", type.wireName()).tag("host", host).register(meters);
    }

    /**
     * One read of the registry serves every gauge of a scrape: 55 gauges per host (with the spec's nine types) each
     * reading on their own would scan the allocations 55 times (and, on PostgreSQL, query the database 55 times).
     * The hosts it sees get their gauges; those bound before that it no longer sees lose them.
     */
    private Snapshot snapshot() {
        if (!unbound.isEmpty()) {
            for (String host : List.copyOf(unbound)) {
                unbound.remove(host);
                bindHost(host);
            }
        }
        Snapshot current = last;
        if (current == null || current.takenAt().isBefore(Instant.now().minus(MAX_AGE))) {
            current = Snapshot.of(registry.get());
            last = current;
            if (!current.ranges().isEmpty()) {
                current.ranges().keySet().forEach(this::bindHost);
                forgetHostsNotIn(current.ranges().keySet());
            }
        }
        return current;
    }

    /**
     * Removes the gauges of the hosts bound before that hold nothing now. Their grant counters stay: only the
     * registry's writer, which makes them, removes them ({@link #hostIdle}), so none is ever made and lost at once.
     */
    private void forgetHostsNotIn(Set<String> seen) {
        hosts.forEach((host, held) -> {
            if (!seen.contains(host) && !host.equals(defaultHost) && !held.gauges.isEmpty()) {
                List<Meter> gauges = List.copyOf(held.gauges);
                held.gauges.removeAll(gauges);
                gauges.forEach(meters::remove);
            }
        });
    }

    /** What a scrape reports; NaN for what could not be read (before the store is open, or while it is down). */
    private record Snapshot(Instant takenAt, double storeUp,
            Map<String, Map<ServiceType, Map<AllocationStatus, Integer>>> counts,
            Map<String, Map<ServiceType, RangeUsage>> ranges) {

        static Snapshot of(PortRegistry registry) {
            if (!registry.isOpen()) {
                return new Snapshot(Instant.now(), Double.NaN, Map.of(), Map.of());
            }
            double storeUp = storeAnswers(registry) ? 1 : 0;
            try {
                Map<String, Map<ServiceType, Map<AllocationStatus, Integer>>> counts = new HashMap<>();
                Map<String, Map<ServiceType, RangeUsage>> ranges = new HashMap<>();
                registry.hostUsage().forEach((host, usage) -> {
                    Map<ServiceType, Map<AllocationStatus, Integer>> byType = new HashMap<>();
                    usage.allocations().forEach(allocation -> byType.computeIfAbsent(allocation.serviceType(),
                            type -> new EnumMap<>(AllocationStatus.class)).merge(allocation.status(), 1, Integer::sum));
                    counts.put(host, byType);
                    Map<ServiceType, RangeUsage> byRange = new HashMap<>();
                    usage.ranges().forEach(range -> byRange.put(range.serviceType(), range));
                    ranges.put(host, byRange);
                });
                return new Snapshot(Instant.now(), storeUp, counts, ranges);
            } catch (StoreUnavailableException | java.util.concurrent.CompletionException unreadable) {
                // a shared store that is down cannot be counted; the store gauge still says why
                return new Snapshot(Instant.now(), storeUp, Map.of(), Map.of());
            }
        }

        private static boolean storeAnswers(PortRegistry registry) {
            try {
                registry.checkStore();
                return true;
            } catch (StoreUnavailableException down) {
                return false;
            }
        }

        double count(String host, ServiceType type, AllocationStatus status) {
            return ranges.isEmpty() ? Double.NaN
                    : counts.getOrDefault(host, Map.of()).getOrDefault(type, Map.of()).getOrDefault(status, 0);
        }

        double range(String host, ServiceType type, ToDoubleFunction<RangeUsage> value) {
            RangeUsage usage = ranges.getOrDefault(host, Map.of()).get(type);
            return usage == null ? Double.NaN : value.applyAsDouble(usage);
        }
    }
}
