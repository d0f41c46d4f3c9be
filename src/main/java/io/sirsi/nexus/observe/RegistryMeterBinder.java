package io.sirsi.nexus.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.RangeUsage;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreUnavailableException;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of the registry's state, read at scrape time, per host: allocations by status and type, each type's range
 * (its utilisation, size and free ports), and whether the store answers. The counters of events (allocations,
 * releases, heartbeats...) live in {@link PortRegistry}. A host's gauges are registered when a scrape first sees it
 * (the registry's own host from the start), so they report from the next scrape on; every type of the registry's
 * {@link io.sirsi.nexus.registry.ServiceTypes} has them, configured ones too.
 */
@Singleton
public class RegistryMeterBinder implements MeterBinder {

    /** A scrape reads every gauge within a moment; a snapshot this young is reused. */
    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final PortRegistry registry;
    private final Set<String> boundHosts = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry meters;
    private volatile Snapshot last;

    public RegistryMeterBinder(PortRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        this.meters = meters;
        bindHost(registry.defaultHost());
        Gauge.builder("sirsi.store.up", this, binder -> binder.snapshot().storeUp())
                .description("1 while the allocation store answers (the readiness check), 0 while it does not")
                .register(meters);
    }

    private void bindHost(String host) {
        if (!boundHosts.add(host)) {
            return;
        }
        for (ServiceType type : registry.types().all()) {
            for (AllocationStatus status : AllocationStatus.values()) {
                Gauge.builder("sirsi.allocations", this, binder -> binder.snapshot().count(host, type, status))
                        .description("Allocations holding a port, by status and service type")
                        .tag("type", type.wireName()).tag("status", status.label()).tag("host", host)
                        .register(meters);
            }
            rangeGauge(host, type, "sirsi.range.utilisation",
                    "Share of the service type's port range held or reserved, 0 to 1", RangeUsage::utilisation);
            // the ports themselves, so that an alert can say how many are left, not only a share
            rangeGauge(host, type, "sirsi.range.size", "Ports in the service type's range",
                    usage -> usage.range().size());
            rangeGauge(host, type, "sirsi.range.available",
                    "Ports of the service type's range that can still be handed out", RangeUsage::available);
        }
    }

    private void rangeGauge(String host, ServiceType type, String name, String description,
            ToDoubleFunction<RangeUsage> value) {
        Gauge.builder(name, this, binder -> binder.snapshot().range(host, type, value)).description(description)
                .tag("type", type.wireName()).tag("host", host).register(meters);
    }

    /**
     * One read of the registry serves every gauge of a scrape: 55 gauges per host (with the spec's nine types) each
     * reading on their own would scan the allocations 55 times (and, on PostgreSQL, query the database 55 times).
     */
    private Snapshot snapshot() {
        Snapshot current = last;
        if (current == null || current.takenAt().isBefore(Instant.now().minus(MAX_AGE))) {
            current = Snapshot.of(registry);
            last = current;
            current.ranges().keySet().forEach(this::bindHost);
        }
        return current;
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
