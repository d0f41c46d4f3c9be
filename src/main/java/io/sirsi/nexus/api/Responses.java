package io.sirsi.nexus.api;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The response bodies of the {@code /ports} API, shaped as the spec's examples. */
public final class Responses {

    private Responses() {
    }

    /** {@code POST /ports/allocate}. */
    public record Allocated(boolean success, AllocationView allocation, String message) {
    }

    /** {@code POST /ports/release} and {@code /ports/heartbeat}: the spec writes {@code success} as a string. */
    public record Done(@Schema(enumeration = "true") String success, String message) {
        static Done of(String message) {
            return new Done("true", message);
        }
    }

    /** {@code POST /ports/cleanup}. */
    public record CleanedUp(@Schema(enumeration = "true") String success, int removed,
            List<AllocationView> removedAllocations, String message) {
    }

    /** {@code GET /ports/stats}, and {@code registry_stats} inside the overview. */
    public record Stats(int totalAllocations, int activeAllocations, int reservedAllocations,
            int expiredAllocations, Map<String, Integer> serviceTypes) {
    }

    /** {@code GET /ports/overview}. */
    public record Overview(int totalPorts, int activeServices, Map<String, AllocationView> portAllocations,
            Map<String, String> portUsage, Map<String, List<String>> serviceTypes, Stats registryStats) {
    }

    /** One entry of {@code GET /ports/ranges}. */
    public record Range(String serviceType, int firstPort, int lastPort, int size, int inUse, int reserved,
            int available, @Schema(description = "free ports freed within the reuse delay, kept from other services")
            int cooling) {
    }

    /** {@code GET /ports/health}. */
    public record Health(@Schema(enumeration = {"healthy", "unhealthy"}) String status,
            @Schema(enumeration = {"up", "down"}) String store, int totalAllocations, long uptimeSeconds,
            long heartbeatTimeoutSeconds,
            @Schema(description = "hosts whose allocations are held, not expired") List<String> selfPreservation,
            String message) {
    }
}
