package io.sirsi.nexus.wire;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answers about hosts as their agents see them: a report's receipt, an agent's status, one host in detail. */
public final class HostViews {

    private HostViews() {
    }

    /** The answer to a report: what the registry made of it. */
    public record ReportReceipt(String host, int listeners, int unregisteredListeners, int notListening,
            @Schema(description = "the checks the agent is to run on its host, one per allocation that has one")
            List<CheckOrder> checks) {
    }

    /** A check for the agent to run: connect to the port (tcp), or GET the path on it (http). */
    public record CheckOrder(UUID allocationId, int port, @Schema(enumeration = {"tcp", "http"}) String type,
            @Schema(nullable = true) String path, long intervalMs, long timeoutMs) {
    }

    /** A host's agent as the registry last heard it. */
    public record AgentStatus(
            @Schema(enumeration = {"reporting", "dark"}) String status,
            @Schema(description = "when the registry received the last report") Instant lastReport,
            String agentVersion,
            @Schema(description = "when the agent scanned, by the host's clock") Instant scannedAt) {
    }

    /** {@code GET /ports/hosts/{host}}: the host's agent, its unregistered listeners and its silent allocations. */
    public record HostDetail(
            String host,
            @Schema(nullable = true, description = "absent when no agent reports for the host") AgentStatus agent,
            @Schema(description = "listeners in a managed range that no allocation on the host holds; those ports"
                    + " are never granted on this host") List<HostReport.Listener> unregisteredListeners,
            @Schema(description = "Active allocations whose port had no listener for the configured number of"
                    + " consecutive reports") List<AllocationView> notListening,
            @Schema(nullable = true) HostReport.PortSpan ephemeralRange,
            List<HostReport.PortSpan> reservedPorts,
            List<String> addresses) {
    }
}
