package io.sirsi.nexus.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.Maintenance;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.RangeUsage;
import io.sirsi.nexus.registry.RegistryStats;
import io.sirsi.nexus.registry.ScaleResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
        public static Done of(String message) {
            return new Done("true", message);
        }
    }

    /** {@code POST /ports/cleanup}. */
    public record CleanedUp(@Schema(enumeration = "true") String success, int removed,
            List<AllocationView> removedAllocations, String message) {
    }

    /** {@code GET /ports/stats}, and {@code registry_stats} inside the overview. */
    public record Stats(int totalAllocations, int activeAllocations, int reservedAllocations,
            int expiredAllocations, Map<String, Integer> serviceTypes,
            @Schema(description = "allocations being drained (status Draining): they hold their port, discovery"
                    + " no longer offers them") int drainingAllocations) {
    }

    /** {@code GET /ports/overview}. */
    public record Overview(int totalPorts, int activeServices, Map<String, AllocationView> portAllocations,
            Map<String, String> portUsage, Map<String, List<String>> serviceTypes, Stats registryStats) {
    }

    /** One entry of {@code GET /ports/ranges}. */
    public record Range(String serviceType, int firstPort, int lastPort, int size, int inUse, int reserved,
            int available, @Schema(description = "free ports freed within the reuse delay, kept from other services")
            int cooling,
            @Schema(description = "whether the range shares ports with the ephemeral port range of the registry's"
                    + " machine, from which outgoing connections take their local ports (a warning at start says"
                    + " more)")
            boolean overlapsEphemeral,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(nullable = true, description = "with ?host= of a host whose agent reports: the ports of the range"
                    + " that host's kernel reserves (net.ipv4.ip_local_reserved_ports); overlaps_ephemeral is then"
                    + " that host's") List<HostReport.PortSpan> reservedOnHost) {

        public static Range of(RangeUsage usage, boolean overlapsEphemeral) {
            return of(usage, overlapsEphemeral, null);
        }

        public static Range of(RangeUsage usage, boolean overlapsEphemeral, List<HostReport.PortSpan> reservedOnHost) {
            return new Range(usage.serviceType().wireName(), usage.range().first(), usage.range().last(),
                    usage.range().size(), usage.held(), usage.reserved(), usage.available(), usage.cooling(),
                    overlapsEphemeral, reservedOnHost);
        }
    }

    /** One entry of {@code GET /ports/hosts}. */
    public record HostSummary(int totalAllocations, int activeAllocations, int expiredAllocations,
            int reservedAllocations, int drainingAllocations, @Schema(description = "per service type") Map<String, TypeUse> types,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(nullable = true, description = "the host's agent; absent when none reports for it")
            HostViews.AgentStatus agent,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(nullable = true, description = "listeners in managed ranges that no allocation holds, as the"
                    + " host's agent last saw them") Integer unregisteredListeners,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(nullable = true, description = "the host's maintenance (POST /ports/drain with a host), while it"
                    + " lasts: no new allocation is made there until it ends") HostMaintenance maintenance) {

        public static HostSummary of(PortRegistry.HostUsage usage) {
            RegistryStats stats = usage.stats();
            Map<String, TypeUse> types = new LinkedHashMap<>();
            usage.ranges().forEach(range -> types.put(range.serviceType().wireName(),
                    new TypeUse(range.held(), range.available())));
            return new HostSummary(stats.total(), stats.active(), stats.expired(), stats.reserved(), stats.draining(),
                    types, null, null, null);
        }

        /** A host that holds nothing but whose agent reports, or that is in maintenance. */
        public static HostSummary empty() {
            return new HostSummary(0, 0, 0, 0, 0, Map.of(), null, null, null);
        }

        /** This summary with what the host's agent says. */
        public HostSummary withAgent(HostViews.AgentStatus status, int unregistered) {
            return new HostSummary(totalAllocations, activeAllocations, expiredAllocations, reservedAllocations,
                    drainingAllocations, types, status, unregistered, maintenance);
        }

        /** This summary with the host's maintenance. */
        public HostSummary withMaintenance(Maintenance inEffect) {
            return new HostSummary(totalAllocations, activeAllocations, expiredAllocations, reservedAllocations,
                    drainingAllocations, types, agent, unregisteredListeners,
                    new HostMaintenance(inEffect.until().toString(), inEffect.reason().orElse(null)));
        }
    }

    /** A host's maintenance: until when, and why if the operator said. */
    public record HostMaintenance(String until, @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
    }

    /** A service type's range on one host: ports held by allocations, and those that can still be handed out. */
    public record TypeUse(int inUse, int available) {
    }

    /** {@code POST /ports/scale}. */
    public record Scaled(boolean success, List<AllocationView> instances, int added, int removed, String message) {

        public static Scaled of(String serviceName, ScaleResult result) {
            String message = result.added().isEmpty() && result.removed().isEmpty()
                    ? "'" + serviceName + "' already has " + count(result.instances().size())
                    : "'" + serviceName + "' now has " + count(result.instances().size())
                            + (result.added().isEmpty() ? "" : "; added on " + hosts(result.added()))
                            + (result.removed().isEmpty() ? "" : "; released on " + hosts(result.removed()));
            return new Scaled(true, result.instances().stream().map(AllocationView::of).toList(),
                    result.added().size(), result.removed().size(), message);
        }

        private static String count(int instances) {
            return instances + (instances == 1 ? " instance" : " instances");
        }

        private static String hosts(List<Allocation> allocations) {
            return allocations.stream().map(allocation -> allocation.host() + ":" + allocation.port())
                    .collect(Collectors.joining(", "));
        }
    }

    /** {@code GET /ports/health}. */
    public record Health(@Schema(enumeration = {"healthy", "unhealthy"}) String status,
            @Schema(enumeration = {"up", "down"}) String store, int totalAllocations, long uptimeSeconds,
            long heartbeatTimeoutSeconds,
            @Schema(description = "hosts whose allocations are held, not expired") List<String> selfPreservation,
            @Schema(description = "the registry's own host (sirsi.ports.host): what a request without host means")
            String host,
            String message,
            @Schema(description = "hosts whose agent has stopped reporting: held, not expired")
            List<String> darkHosts) {
    }
}
