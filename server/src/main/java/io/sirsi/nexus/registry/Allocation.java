package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One port held by one service on one host. Immutable: a heartbeat yields a new value. The status is stored, not
 * derived from the clock: an allocation becomes Expired when the expiry pass says so (and logs an {@code expired}
 * event), and Active again when a heartbeat revives it.
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
        AllocationStatus status,
        Liveness liveness,
        Optional<HealthCheck> check,
        Protocol protocol) {

    public Allocation {
        java.util.Objects.requireNonNull(liveness, "liveness");
        java.util.Objects.requireNonNull(check, "check");
        java.util.Objects.requireNonNull(protocol, "protocol");
    }

    /** A TCP allocation kept alive by heartbeats, the default. */
    public Allocation(UUID allocationId, String host, int port, String serviceName, ServiceType serviceType,
            Optional<Long> processId, Instant allocatedAt, Instant lastHeartbeat, AllocationStatus status) {
        this(allocationId, host, port, serviceName, serviceType, processId, allocatedAt, lastHeartbeat, status,
                Liveness.HEARTBEAT, Optional.empty(), Protocol.TCP);
    }

    /** A static reservation declared in configuration: never expires, cannot be released over the API. */
    public boolean reserved() {
        return status == AllocationStatus.RESERVED;
    }

    public boolean expired() {
        return status == AllocationStatus.EXPIRED;
    }

    /** Asked to take no new work; released when its drain time ends (see {@link Draining}). */
    public boolean keptAliveByListener() {
        return liveness == Liveness.LISTENER;
    }

    public boolean draining() {
        return status == AllocationStatus.DRAINING;
    }

    public Allocation withHeartbeat(Instant at) {
        return new Allocation(allocationId, host, port, serviceName, serviceType, processId, allocatedAt, at, status,
                liveness, check, protocol);
    }

    public Allocation withStatus(AllocationStatus next) {
        return new Allocation(allocationId, host, port, serviceName, serviceType, processId, allocatedAt,
                lastHeartbeat, next, liveness, check, protocol);
    }

    /** The allocation with its check's status changed (it has a check). */
    public Allocation withCheckStatus(HealthCheck.Status next) {
        return new Allocation(allocationId, host, port, serviceName, serviceType, processId, allocatedAt,
                lastHeartbeat, status, liveness, check.map(current -> current.withStatus(next)), protocol);
    }

    /** Whether its check is critical: discovery does not offer it then. */
    public boolean critical() {
        return check.filter(current -> current.status() == HealthCheck.Status.CRITICAL).isPresent();
    }
}
