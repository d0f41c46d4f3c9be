package io.sirsi.nexus.wire;

import io.sirsi.nexus.registry.Allocation;
import java.time.Instant;
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
        String host) {

    public static AllocationView of(Allocation allocation) {
        return new AllocationView(allocation.port(), allocation.serviceName(), allocation.serviceType().wireName(),
                allocation.allocationId(), allocation.allocatedAt(), allocation.lastHeartbeat(),
                allocation.status().label(),
                allocation.processId().orElse(null), allocation.host());
    }
}
