package io.sirsi.nexus.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The registry's summaries: its health, its counts, its ranges and hosts, as it answers them. */
public final class RegistryViews {

    private RegistryViews() {
    }

    /**
     * {@code GET /ports/health}: whether the registry and its store are up, and its heartbeat timeout.
     *
     * @param status {@code healthy} or {@code unhealthy}
     * @param store {@code up} or {@code down}
     * @param totalAllocations allocations held
     * @param uptimeSeconds since the registry started
     * @param heartbeatTimeoutSeconds silence after which an allocation expires; a lease heartbeats well within it
     * @param selfPreservation hosts whose allocations are held rather than expired (the registry lost them at once)
     * @param host the registry's own host, which a request without host means
     * @param message a summary, for a person
     */
    public record Health(String status, String store, int totalAllocations, long uptimeSeconds,
            long heartbeatTimeoutSeconds, List<String> selfPreservation, String host, String message) {
    }

    /** {@code GET /ports/stats}: allocations by status, and per service type. */
    public record Stats(int totalAllocations, int activeAllocations, int reservedAllocations,
            int expiredAllocations, Map<String, Integer> serviceTypes, int drainingAllocations) {
    }

    /** One service type's range, {@code GET /ports/ranges}. */
    public record Range(String serviceType, int firstPort, int lastPort, int size, int inUse, int reserved,
            int available, int cooling, boolean overlapsEphemeral) {
    }

    /**
     * One host, {@code GET /ports/hosts}: its allocations by status and its ranges' use per service type; its agent
     * and its maintenance when it has them (else null).
     */
    public record HostSummary(int totalAllocations, int activeAllocations, int expiredAllocations,
            int reservedAllocations, int drainingAllocations, Map<String, TypeUse> types, AgentStatus agent,
            Integer unregisteredListeners, HostMaintenance maintenance) {
    }

    /**
     * A host's maintenance ({@link SirsiNexusClient#drainHost}): no new allocation there until it ends.
     *
     * @param until when it ends
     * @param reason why, if the operator said; else null
     */
    public record HostMaintenance(Instant until, String reason) {
    }

    /**
     * A host's agent, as the registry last heard from it.
     *
     * @param status {@code reporting}, or {@code dark} when its reports stopped
     * @param lastReport when the registry received the last report
     * @param agentVersion the agent's version
     * @param scannedAt when the agent scanned, by the host's clock
     */
    public record AgentStatus(String status, Instant lastReport, String agentVersion, Instant scannedAt) {
    }

    /**
     * A listening socket an agent saw on its host.
     *
     * @param port the port
     * @param protocol {@code tcp} or {@code udp}
     * @param address the local address it listens on
     * @param pid the owning process, when the agent could tell
     * @param process the owning process's name, when the agent could tell
     */
    public record Listener(int port, String protocol, String address, Long pid, String process) {
    }

    /**
     * {@code GET /ports/hosts/{host}}: what the host's agent reported.
     *
     * @param host the host
     * @param agent its agent; {@code null} when none reports for it
     * @param unregisteredListeners listeners in a managed range that no allocation holds (their ports are never
     *        granted there)
     * @param notListening Active allocations whose port had no listener for several reports
     * @param addresses the host's addresses, as its agent reported them
     */
    public record HostDetail(String host, AgentStatus agent, List<Listener> unregisteredListeners,
            List<Allocation> notListening, List<String> addresses) {
    }

    /**
     * {@code GET /ports/overview}: one host's allocations and counts.
     *
     * @param totalPorts ports held
     * @param activeServices services Active
     * @param portAllocations the allocations, by service name
     * @param serviceTypes each type's services
     * @param registryStats the counts by status and type
     */
    public record Overview(int totalPorts, int activeServices, Map<String, Allocation> portAllocations,
            Map<String, List<String>> serviceTypes, Stats registryStats) {
    }

    /** A service type's range on one host: ports held, and those that can still be handed out. */
    public record TypeUse(int inUse, int available) {
    }
}
