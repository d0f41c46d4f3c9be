package io.sirsi.nexus.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.ServiceType;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Gauges of the registry's state, read at scrape time: allocations by status and type, and the utilisation of
 * each type's range. The counters of events (allocations, releases, heartbeats...) live in {@link PortRegistry}.
 */
@Singleton
public class RegistryMeterBinder implements MeterBinder {

    /** A scrape reads every gauge within a moment; a snapshot this young is reused. */
    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final PortRegistry registry;
    private volatile Snapshot last;

    public RegistryMeterBinder(PortRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (ServiceType type : ServiceType.values()) {
            for (AllocationStatus status : AllocationStatus.values()) {
                Gauge.builder("sirsi.allocations", this, binder -> binder.snapshot().count(type, status))
                        .description("Allocations holding a port, by status and service type")
                        .tag("type", type.wireName()).tag("status", status.label())
                        .register(meters);
            }
            Gauge.builder("sirsi.range.utilisation", this, binder -> binder.snapshot().utilisation(type))
                    .description("Share of the service type's port range held or reserved, 0 to 1")
                    .tag("type", type.wireName())
                    .register(meters);
        }
    }

    /**
     * One read of the registry serves every gauge of a scrape: 36 gauges each reading on their own would scan the
     * allocations 36 times (and, on PostgreSQL, query the database 36 times).
     */
    private Snapshot snapshot() {
        Snapshot current = last;
        if (current == null || current.takenAt().isBefore(Instant.now().minus(MAX_AGE))) {
            current = Snapshot.of(registry);
            last = current;
        }
        return current;
    }

    private record Snapshot(Instant takenAt, Map<ServiceType, Map<AllocationStatus, Integer>> counts,
            Map<ServiceType, Double> utilisation) {

        static Snapshot of(PortRegistry registry) {
            if (!registry.isOpen()) {
                return new Snapshot(Instant.now(), Map.of(), Map.of());
            }
            Map<ServiceType, Map<AllocationStatus, Integer>> counts = new EnumMap<>(ServiceType.class);
            for (Allocation allocation : registry.all()) {
                counts.computeIfAbsent(allocation.serviceType(), type -> new EnumMap<>(AllocationStatus.class))
                        .merge(allocation.status(), 1, Integer::sum);
            }
            Map<ServiceType, Double> utilisation = new EnumMap<>(ServiceType.class);
            registry.rangeUsage().toCompletableFuture().join()
                    .forEach(usage -> utilisation.put(usage.serviceType(), usage.utilisation()));
            return new Snapshot(Instant.now(), counts, utilisation);
        }

        double count(ServiceType type, AllocationStatus status) {
            return utilisation.isEmpty() ? Double.NaN : counts.getOrDefault(type, Map.of()).getOrDefault(status, 0);
        }

        double utilisation(ServiceType type) {
            return utilisation.getOrDefault(type, Double.NaN);
        }
    }
}
