package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One port held by one service on one host. Immutable: a heartbeat yields a new value.
 * {@code reserved} marks a static reservation declared in configuration.
 */
public record Allocation(
        UUID allocationId,
        String host,
        int port,
        String serviceName,
        ServiceType serviceType,
        Optional<Long> processId,
        Instant allocatedAt,
        Instant lastHeartbeat,
        boolean reserved) {

    /** The status at {@code now}: derived from the last heartbeat, so it never needs a write to change. */
    public AllocationStatus status(Instant now, Duration heartbeatTimeout) {
        if (reserved) {
            return AllocationStatus.RESERVED;
        }
        return isExpired(now, heartbeatTimeout) ? AllocationStatus.EXPIRED : AllocationStatus.ACTIVE;
    }

    public boolean isExpired(Instant now, Duration heartbeatTimeout) {
        return !reserved && lastHeartbeat.plus(heartbeatTimeout).isBefore(now);
    }

    public Allocation withHeartbeat(Instant at) {
        return new Allocation(allocationId, host, port, serviceName, serviceType, processId, allocatedAt, at, reserved);
    }
}
