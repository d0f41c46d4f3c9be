package io.sirsi.nexus.client;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A port held by a service on a host, as the registry answers it.
 *
 * @param port the port number
 * @param serviceName the service holding it
 * @param serviceType its service type ({@code rest-api}, {@code grpc}, ... or one the registry's configuration adds)
 * @param allocationId the allocation's id, for heartbeats and release
 * @param allocatedAt when the port was granted
 * @param lastHeartbeat the last heartbeat (or renewal) the registry received
 * @param status {@code Active}, {@code Reserved} (a static reservation), {@code Expired} (silent too long; it still
 *        holds the port until cleanup) or {@code Draining} (no longer offered by discovery; released when its drain
 *        ends unless undrained)
 * @param processId the process id the service gave, if any
 * @param host the host the port is on
 * @param liveness {@code listener} when its listening socket keeps it alive (as the host's agent sees it); null for
 *        heartbeats, the default
 * @param listening whether the host's agent sees its port listening; null where no agent reports
 * @param check the check the host's agent runs on it, and its status; null without one
 * @param protocol {@code udp} for a service that receives datagrams; null for tcp, the default
 */
public record Allocation(int port, String serviceName, String serviceType, UUID allocationId, Instant allocatedAt,
        Instant lastHeartbeat, String status, Long processId, String host, String liveness, Boolean listening,
        Check check, String protocol) {

    /**
     * An allocation's check as the registry last heard of it.
     *
     * @param type {@code tcp} or {@code http}
     * @param path the HTTP check's path, null for tcp
     * @param interval how often it runs, e.g. {@code 10000ms}
     * @param timeout how long one run may take
     * @param status {@code pending}, {@code passing}, {@code warning} or {@code critical} (out of discovery)
     * @param output the last run's output, once the agent has reported one
     * @param since when the status began, on the registry's clock
     */
    public record Check(String type, String path, String interval, String timeout, String status, String output,
            Instant since) {

        /** The status of a check that failed often enough in a row: discovery leaves its allocation out. */
        public static final String CRITICAL = "critical";
    }

    /** An allocation without a host agent's word or a check, as the spec describes it. */
    public Allocation(int port, String serviceName, String serviceType, UUID allocationId, Instant allocatedAt,
            Instant lastHeartbeat, String status, Long processId, String host) {
        this(port, serviceName, serviceType, allocationId, allocatedAt, lastHeartbeat, status, processId, host, null,
                null, null, null);
    }

    /** An allocation without a protocol (tcp), as this record was before it had one. */
    public Allocation(int port, String serviceName, String serviceType, UUID allocationId, Instant allocatedAt,
            Instant lastHeartbeat, String status, Long processId, String host, String liveness, Boolean listening,
            Check check) {
        this(port, serviceName, serviceType, allocationId, allocatedAt, lastHeartbeat, status, processId, host,
                liveness, listening, check, null);
    }

    /** The status of a live allocation that heartbeats. */
    public static final String ACTIVE = "Active";
    /** The status of a static reservation from the registry's configuration. */
    public static final String RESERVED = "Reserved";
    /** The status of an allocation whose heartbeats stopped for longer than the registry's timeout. */
    public static final String EXPIRED = "Expired";
    /** The status of an allocation being drained: it keeps its port, but discovery no longer offers it. */
    public static final String DRAINING = "Draining";

    /** Whether the allocation is Active: heartbeating, a service to send requests to. */
    public boolean active() {
        return ACTIVE.equals(status);
    }

    /** Whether the allocation is Draining: it still holds its port, but should receive no new work. */
    public boolean draining() {
        return DRAINING.equals(status);
    }

    /**
     * Whether discovery offers it, by the registry's own rule (its DNS answers and Prometheus SD): Active, and its
     * check, if it has one, not critical. A Draining, Expired or Reserved allocation is not offered, nor one whose
     * check is critical; the latter is offered again when its check passes.
     */
    public boolean offered() {
        return active() && (check == null || !Check.CRITICAL.equals(check.status()));
    }

    /** Its check, if it has one. */
    public Optional<Check> healthCheck() {
        return Optional.ofNullable(check);
    }

    /** The process id the service gave at allocation, if any. */
    public Optional<Long> pid() {
        return Optional.ofNullable(processId);
    }
}
