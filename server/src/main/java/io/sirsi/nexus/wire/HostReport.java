package io.sirsi.nexus.wire;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /ports/hosts/{host}/report}: one host's full picture as its agent saw it. A snapshot, not a change, so
 * that a lost report is healed by the next one (anti-entropy).
 */
public record HostReport(
        @Schema(description = "the version of the agent that scanned") String agentVersion,
        @Schema(description = "when the agent scanned, by the host's clock") Instant scannedAt,
        @Schema(description = "every listening TCP socket and bound UDP socket") List<Listener> listeners,
        @Schema(description = "net.ipv4.ip_local_port_range", nullable = true) PortSpan ephemeralRange,
        @Schema(description = "net.ipv4.ip_local_reserved_ports") List<PortSpan> reservedPorts,
        @Schema(description = "the host's own addresses") List<String> addresses,
        @Schema(description = "the last result of each check the registry gave the agent", nullable = true)
        List<CheckResult> checks) {

    /** A report without check results (no check runs on the host). */
    public HostReport(String agentVersion, Instant scannedAt, List<Listener> listeners, PortSpan ephemeralRange,
            List<PortSpan> reservedPorts, List<String> addresses) {
        this(agentVersion, scannedAt, listeners, ephemeralRange, reservedPorts, addresses, null);
    }

    /** One run of an allocation's check on the host. */
    public record CheckResult(
            UUID allocationId,
            @Schema(enumeration = {"passing", "warning", "critical"}) String status,
            @Schema(description = "what the run said, at most 512 characters (the agent truncates)") String output,
            @Schema(description = "when it ran, by the host's clock; a result already reported is not counted"
                    + " again") Instant ranAt) {
    }

    /** A socket bound on the host: TCP in LISTEN, or UDP bound; its owner when the agent could see it. */
    public record Listener(
            @Schema(enumeration = {"tcp", "udp"}) String protocol,
            @Schema(description = "local address, e.g. 0.0.0.0 or ::") String address,
            int port,
            @Schema(nullable = true, description = "owning process; absent when the agent may not see it") Long pid,
            @Schema(nullable = true, description = "the owner's /proc/<pid>/comm") String process) {
    }

    /** Ports {@code first} to {@code last}, both included. */
    public record PortSpan(int first, int last) {
    }
}
