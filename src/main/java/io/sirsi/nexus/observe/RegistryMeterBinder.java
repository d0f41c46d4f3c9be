package io.sirsi.nexus.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.RangeUsage;
import io.sirsi.nexus.registry.ServiceType;
import jakarta.inject.Singleton;

/**
 * Gauges of the registry's state, read at scrape time: allocations by status and type, and the utilisation of
 * each type's range. The counters of events (allocations, releases, heartbeats...) live in {@link PortRegistry}.
 */
@Singleton
public class RegistryMeterBinder implements MeterBinder {

    private final PortRegistry registry;

    public RegistryMeterBinder(PortRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (ServiceType type : ServiceType.values()) {
            for (AllocationStatus status : AllocationStatus.values()) {
                Gauge.builder("sirsi.allocations", registry, r -> count(r, type, status))
                        .description("Allocations holding a port, by status and service type")
                        .tag("type", type.wireName()).tag("status", status.label())
                        .register(meters);
            }
            Gauge.builder("sirsi.range.utilisation", registry, r -> utilisation(r, type))
                    .description("Share of the service type's port range held or reserved, 0 to 1")
                    .tag("type", type.wireName())
                    .register(meters);
        }
    }

    private static double count(PortRegistry registry, ServiceType type, AllocationStatus status) {
        if (!registry.isOpen()) {
            return Double.NaN;
        }
        return registry.byType(type).stream().filter(a -> registry.statusOf(a) == status).count();
    }

    private static double utilisation(PortRegistry registry, ServiceType type) {
        if (!registry.isOpen()) {
            return Double.NaN;
        }
        return registry.rangeUsage().stream().filter(u -> u.serviceType() == type).findFirst()
                .map(RangeUsage::utilisation).orElse(Double.NaN);
    }
}
