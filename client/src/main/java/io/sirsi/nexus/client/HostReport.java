package io.sirsi.nexus.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostReport(String agentVersion, Instant scannedAt, List<RegistryViews.Listener> listeners,
        PortSpan ephemeralRange, List<PortSpan> reservedPorts, List<String> addresses) {

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
     */
    public record Receipt(String host, int listeners, int unregisteredListeners, int notListening) {
    }
}
