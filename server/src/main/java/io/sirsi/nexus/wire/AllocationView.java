package io.sirsi.nexus.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.HealthCheck;
import io.sirsi.nexus.registry.HostAgents;
import io.sirsi.nexus.registry.Protocol;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An allocation as the spec shows it. */
public record AllocationView(
        int port,
        String serviceName,
        String serviceType,
        UUID allocationId,
        Instant allocatedAt,
        Instant lastHeartbeat,
        @Schema(enumeration = {"Active", "Reserved", "Expired", "Draining"}) String status,
        @Schema(nullable = true) Long processId,
        String host,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "whether the host's agent sees a listener on the port; absent"
                + " without an agent") Boolean listening,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "true when the process_id given at allocate is not the one the"
                + " host's agent sees holding the port") Boolean heldByAnotherProcess,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, enumeration = {"listener"}, description = "\"listener\" when the allocation is"
                + " kept alive by its listener as the host's agent sees it; absent for heartbeats, the default")
        String liveness,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "the check the host's agent runs, and its status; absent without one")
        CheckView check,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, enumeration = {"udp"}, description = "\"udp\" for a service that receives"
                + " datagrams on its port; absent for tcp, the default")
        String protocol) {

    /** An allocation's check: what runs, its status, since when (this registry's clock) and the last run's output. */
    public record CheckView(
            @Schema(enumeration = {"tcp", "http"}) String type,
            @Schema(nullable = true) String path,
            @Schema(description = "e.g. 10000ms") String interval,
            String timeout,
            @Schema(enumeration = {"pending", "passing", "warning", "critical"}) String status,
            @Schema(nullable = true, description = "the last run's output, at most 512 characters") String output,
            @Schema(nullable = true) Instant since) {

        static CheckView of(HealthCheck check, Optional<String> output, Optional<Instant> since) {
            return new CheckView(check.kind().wireName(), check.path().orElse(null), check.interval().toMillis() + "ms",
                    check.timeout().toMillis() + "ms", check.status().wireName(), output.orElse(null),
                    since.orElse(null));
        }
    }

    /** Without what a host agent says (no agent reports for the host). */
    public AllocationView(int port, String serviceName, String serviceType, UUID allocationId, Instant allocatedAt,
            Instant lastHeartbeat, String status, Long processId, String host) {
        this(port, serviceName, serviceType, allocationId, allocatedAt, lastHeartbeat, status, processId, host, null,
                null, null, null, null);
    }

    /** With what a host agent says, kept alive by heartbeats. */
    public AllocationView(int port, String serviceName, String serviceType, UUID allocationId, Instant allocatedAt,
            Instant lastHeartbeat, String status, Long processId, String host, Boolean listening,
            Boolean heldByAnotherProcess) {
        this(port, serviceName, serviceType, allocationId, allocatedAt, lastHeartbeat, status, processId, host,
                listening, heldByAnotherProcess, null, null, null);
    }

    public static AllocationView of(Allocation allocation) {
        return new AllocationView(allocation.port(), allocation.serviceName(), allocation.serviceType().wireName(),
                allocation.allocationId(), allocation.allocatedAt(), allocation.lastHeartbeat(),
                allocation.status().label(),
                allocation.processId().orElse(null), allocation.host(), null, null, shownLiveness(allocation),
                allocation.check().map(check -> CheckView.of(check, Optional.empty(), Optional.empty())).orElse(null),
                shownProtocol(allocation));
    }

    /** Only the choice that is not the default is shown: an allocation as the spec shows it stays as it was. */
    private static String shownLiveness(Allocation allocation) {
        return allocation.keptAliveByListener() ? allocation.liveness().wireName() : null;
    }

    /** As {@link #shownLiveness}: TCP, the default, is not shown. */
    private static String shownProtocol(Allocation allocation) {
        return allocation.protocol() == Protocol.TCP ? null : allocation.protocol().wireName();
    }

    /**
     * The allocation with what its host's agent says: whether it listens, the listener's PID as its process id
     * when it was given none, and whether another process than the one given holds the port.
     */
    public static AllocationView of(Allocation allocation, Optional<HostAgents.Listening> seen) {
        if (seen.isEmpty()) {
            return of(allocation);
        }
        HostAgents.Listening listening = seen.get();
        return new AllocationView(allocation.port(), allocation.serviceName(), allocation.serviceType().wireName(),
                allocation.allocationId(), allocation.allocatedAt(), allocation.lastHeartbeat(),
                allocation.status().label(),
                allocation.processId().or(listening::listenerPid).orElse(null), allocation.host(),
                listening.listening(), listening.heldByAnotherProcess() ? Boolean.TRUE : null,
                shownLiveness(allocation), allocation.check().map(check -> CheckView.of(check, listening.checkOutput(),
                        listening.checkSince())).orElse(null), shownProtocol(allocation));
    }
}
