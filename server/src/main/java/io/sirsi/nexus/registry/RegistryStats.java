package io.sirsi.nexus.registry;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Counts of allocations by status, and by service type (types with none are left out). */
public record RegistryStats(int total, int active, int reserved, int expired, int draining,
        Map<ServiceType, Integer> byType) {

    /** The counts of these allocations, which one read returned, so that they agree with each other. */
    public static RegistryStats of(Collection<Allocation> allocations) {
        int active = 0;
        int reserved = 0;
        int expired = 0;
        int draining = 0;
        Map<ServiceType, Integer> byType = new LinkedHashMap<>();
        for (Allocation allocation : allocations) {
            switch (allocation.status()) {
                case ACTIVE -> active++;
                case RESERVED -> reserved++;
                case EXPIRED -> expired++;
                case DRAINING -> draining++;
            }
            byType.merge(allocation.serviceType(), 1, Integer::sum);
        }
        return new RegistryStats(allocations.size(), active, reserved, expired, draining, byType);
    }
}
