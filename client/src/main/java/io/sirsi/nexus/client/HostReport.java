package io.sirsi.nexus.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a host agent saw on its host, for {@link SirsiNexusClient#report}: every listening socket, and the kernel's
 * port settings. The registry then grants no port a process outside it holds there.
 *
 * @param agentVersion the version of the agent that scanned
 * @param scannedAt when it scanned, by the host's clock
 * @param listeners every listening TCP socket and bound UDP socket
 * @param ephemeralRange {@code net.ipv4.ip_local_port_range}; {@code null} when unknown
 * @param reservedPorts {@code net.ipv4.ip_local_reserved_ports}
 * @param addresses the host's own addresses
 * @param checks the last result of each check the registry gave the agent; {@code null} when none runs there
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostReport(String agentVersion, Instant scannedAt, List<RegistryViews.Listener> listeners,
        PortSpan ephemeralRange, List<PortSpan> reservedPorts, List<String> addresses, List<CheckResult> checks) {

    /** A report without check results (no check runs on the host). */
    public HostReport(String agentVersion, Instant scannedAt, List<RegistryViews.Listener> listeners,
            PortSpan ephemeralRange, List<PortSpan> reservedPorts, List<String> addresses) {
        this(agentVersion, scannedAt, listeners, ephemeralRange, reservedPorts, addresses, null);
    }

    /**
     * One run of an allocation's check on the host.
     *
     * @param allocationId the allocation whose check ran
     * @param status {@code passing}, {@code warning} or {@code critical}
     * @param output what the run said, at most 512 characters
     * @param ranAt when it ran, by the host's clock; a result already reported is not counted again
     */
    public record CheckResult(UUID allocationId, String status, String output, Instant ranAt) {
    }

    /**
     * A check the registry asks the agent to run: connect to the port ({@code tcp}), or GET the path on it
     * ({@code http}).
     *
     * @param allocationId the allocation the check belongs to
     * @param port its port on the host
     * @param type {@code tcp} or {@code http}
     * @param path the path of an {@code http} check; {@code null} for {@code tcp}
     * @param intervalMs how often to run it, in milliseconds
     * @param timeoutMs how long one run may take, in milliseconds
     */
    public record CheckOrder(UUID allocationId, int port, String type, String path, long intervalMs,
            long timeoutMs) {
    }

    /** Ports {@code first} to {@code last}, both included. */
    public record PortSpan(int first, int last) {
    }

    /**
     * What the registry made of a report.
     *
     * @param host the host
     * @param listeners listeners reported
     * @param unregisteredListeners those in a managed range that no allocation holds
     * @param notListening Active allocations there whose port had no listener for several reports
     * @param checks the checks the agent is to run on its host, one per allocation that has one
     */
    public record Receipt(String host, int listeners, int unregisteredListeners, int notListening,
            List<CheckOrder> checks) {
    }
}
