package io.sirsi.nexus.registry;

import java.util.Map;

/** Counts of allocations by status, and by service type (types with none are left out). */
public record RegistryStats(int total, int active, int reserved, int expired, Map<ServiceType, Integer> byType) {
}
