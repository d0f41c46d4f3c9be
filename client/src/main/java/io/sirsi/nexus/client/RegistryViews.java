package io.sirsi.nexus.client;

import java.util.List;
import java.util.Map;

/** The registry's summaries: its health, its counts, its ranges and hosts, as it answers them. */
public final class RegistryViews {

    private RegistryViews() {
    }

    /**
     * {@code GET /ports/health}: whether the registry and its store are up, and its heartbeat timeout.
     *
     * @param status {@code healthy} or {@code unhealthy}
     * @param store {@code up} or {@code down}
     * @param totalAllocations allocations held
     * @param uptimeSeconds since the registry started
     * @param heartbeatTimeoutSeconds silence after which an allocation expires; a lease heartbeats well within it
     * @param selfPreservation hosts whose allocations are held rather than expired (the registry lost them at once)
     * @param host the registry's own host, which a request without host means
     * @param message a summary, for a person
     */
    public record Health(String status, String store, int totalAllocations, long uptimeSeconds,
            long heartbeatTimeoutSeconds, List<String> selfPreservation, String host, String message) {
    }

    /** {@code GET /ports/stats}: allocations by status, and per service type. */
    public record Stats(int totalAllocations, int activeAllocations, int reservedAllocations,
            int expiredAllocations, Map<String, Integer> serviceTypes, int drainingAllocations) {
    }

    /** One service type's range, {@code GET /ports/ranges}. */
    public record Range(String serviceType, int firstPort, int lastPort, int size, int inUse, int reserved,
            int available, int cooling, boolean overlapsEphemeral) {
    }

    /** One host, {@code GET /ports/hosts}: its allocations by status and its ranges' use per service type. */
    public record HostSummary(int totalAllocations, int activeAllocations, int expiredAllocations,
            int reservedAllocations, int drainingAllocations, Map<String, TypeUse> types) {
    }

    /** A service type's range on one host: ports held, and those that can still be handed out. */
    public record TypeUse(int inUse, int available) {
    }
}
