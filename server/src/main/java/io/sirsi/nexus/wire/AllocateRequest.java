package io.sirsi.nexus.wire;

import io.sirsi.nexus.registry.AllocationRequest;
import io.sirsi.nexus.registry.HealthCheck;
import io.sirsi.nexus.registry.InvalidRequestException;
import io.sirsi.nexus.registry.Liveness;
import io.sirsi.nexus.registry.PlacementStrategy;
import io.sirsi.nexus.registry.Protocol;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.ServiceTypes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /ports/allocate}. Checked by hand rather than by Bean Validation: this is the registry's
 * busiest write, and the rules live once, in {@link AllocationRequest}.
 */
public record AllocateRequest(
        @Schema(required = true, example = "my-api", pattern = ServiceNames.PATTERN, maxLength = 63)
        String serviceName,

        @Schema(required = true, example = "rest-api", pattern = ServiceType.PATTERN, maxLength = 32,
                description = "A built-in type (rest-api, grpc, websocket, database, cache, analytics, security,"
                        + " frontend, custom) or one the registry's configuration defines"
                        + " (sirsi.ports.ranges.<type>); GET /ports/ranges lists every type it accepts")
        String serviceType,

        @Schema(description = "Port wanted; granted when free", example = "8080", minimum = "1", maximum = "65535")
        Integer preferredPort,

        @Schema(description = "Fail with 409 rather than fall back to another port", defaultValue = "false")
        Boolean required,

        @Schema(description = "Process id of the service, for operators", nullable = true, minimum = "0")
        Long processId,

        @Schema(description = "Host the port is for (case-insensitive); default: the registry's own host",
                example = "node-a", maxLength = 253)
        String host,

        @Schema(description = "How to choose the port when the preferred one is not given or not free",
                enumeration = {"first-free", "random", "same-port", "sticky"}, defaultValue = "first-free")
        String strategy,

        @Schema(description = "Ports not to grant to this request (another process holds them on the host); a"
                + " service holding one of them is moved to another port",
                maxItems = AllocationRequest.MAX_AVOID_PORTS)
        List<Integer> avoidPorts,

        @Schema(description = "What keeps the allocation alive: its heartbeats, or its listener as the host's agent"
                + " sees it (heartbeats count until the agent has seen it listen). Absent: heartbeat for a new"
                + " allocation, unchanged for one asked for again", enumeration = {"heartbeat", "listener"},
                nullable = true)
        String liveness,

        @Schema(description = "The one check the host's agent runs on the service (tcp connect, or http GET of a"
                + " path); a critical check withholds the instance from discovery until it passes again",
                nullable = true)
        CheckRequest check,

        @Schema(description = "What the service receives on at its port: tcp (the default), or udp for a service that"
                + " only receives datagrams (the host's agent then takes a bound UDP socket as its listener, DNS"
                + " offers it as _udp, and it can have no check). Absent: tcp for a new allocation, unchanged for one"
                + " asked for again, which cannot change it", enumeration = {"tcp", "udp"}, nullable = true)
        String protocol) {

    /** A check as asked for: {@code type} tcp or http, {@code path} for http, {@code interval}, {@code timeout}. */
    public record CheckRequest(
            @Schema(required = true, enumeration = {"tcp", "http"}) String type,
            @Schema(description = "http only: the path and query to GET, e.g. /health", maxLength = 255) String path,
            @Schema(description = "between runs: 1s to 10m", defaultValue = "10s", example = "10s") String interval,
            @Schema(description = "of one run: 100ms to 60s, at most the interval", defaultValue = "2s")
            String timeout) {
    }

    /** The registry's request; fails with a message naming every missing field, or the first broken rule. */
    public AllocationRequest toRegistryRequest(ServiceTypes types) {
        if (serviceName == null || serviceType == null) {
            throw new InvalidRequestException(serviceName == null && serviceType == null
                    ? "service_name and service_type are required"
                    : (serviceName == null ? "service_name" : "service_type") + " is required");
        }
        if (avoidPorts != null && avoidPorts.contains(null)) {
            throw new InvalidRequestException("avoid_ports must hold port numbers, not null");
        }
        return new AllocationRequest(serviceName, types.parse(serviceType), Optional.ofNullable(preferredPort),
                Boolean.TRUE.equals(required), Optional.ofNullable(processId), Optional.ofNullable(host),
                Optional.ofNullable(strategy).map(PlacementStrategy::parse),
                avoidPorts == null ? Set.of() : Set.copyOf(avoidPorts),
                Optional.ofNullable(liveness).map(Liveness::parse),
                Optional.ofNullable(check).map(asked -> HealthCheck.requested(asked.type(), asked.path(),
                        asked.interval(), asked.timeout())),
                Optional.ofNullable(protocol).map(Protocol::parse));
    }
}
