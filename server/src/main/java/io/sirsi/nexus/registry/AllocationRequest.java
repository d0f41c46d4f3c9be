package io.sirsi.nexus.registry;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a service asks for when it wants a port; a request that breaks a rule cannot be made.
 *
 * @param host       the host the port is for, as asked (checked by the registry); empty: the registry's own
 * @param strategy   how to choose the port; empty: the registry's default ({@code sirsi.ports.strategy})
 * @param avoidPorts ports not to grant this request (held by an unregistered process on the service's host)
 * @param liveness   what keeps a new allocation alive; empty: heartbeats, or what a renewed one had
 * @param check      the check its host's agent runs; empty: none for a new allocation, unchanged for a renewed one
 * @param protocol   what the service receives on; empty: TCP for a new allocation, unchanged for a renewed one (which
 *                   cannot change it)
 */
public record AllocationRequest(
        String serviceName,
        ServiceType serviceType,
        Optional<Integer> preferredPort,
        boolean required,
        Optional<Long> processId,
        Optional<String> host,
        Optional<PlacementStrategy> strategy,
        Set<Integer> avoidPorts,
        Optional<Liveness> liveness,
        Optional<HealthCheck> check,
        Optional<Protocol> protocol) {

    /** At most this many ports may be avoided: a client retrying port after port has a problem it should report. */
    public static final int MAX_AVOID_PORTS = 64;
    /** Why a UDP service has no check: both kinds connect over TCP, which a UDP service does not answer. */
    static final String UDP_WITHOUT_CHECK = "a udp service cannot have a check: tcp and http checks connect over TCP;"
            + " leave check out, and let heartbeats or its listener keep it alive";

    /** A request that leaves the protocol as it is: TCP for a new allocation. */
    public AllocationRequest(String serviceName, ServiceType serviceType, Optional<Integer> preferredPort,
            boolean required, Optional<Long> processId, Optional<String> host, Optional<PlacementStrategy> strategy,
            Set<Integer> avoidPorts, Optional<Liveness> liveness, Optional<HealthCheck> check) {
        this(serviceName, serviceType, preferredPort, required, processId, host, strategy, avoidPorts, liveness,
                check, Optional.empty());
    }

    /** A request that leaves liveness as it is: heartbeats for a new allocation. */
    public AllocationRequest(String serviceName, ServiceType serviceType, Optional<Integer> preferredPort,
            boolean required, Optional<Long> processId, Optional<String> host, Optional<PlacementStrategy> strategy,
            Set<Integer> avoidPorts) {
        this(serviceName, serviceType, preferredPort, required, processId, host, strategy, avoidPorts,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public AllocationRequest {
        ServiceNames.require(serviceName);
        Objects.requireNonNull(serviceType, "serviceType");
        preferredPort.filter(port -> !PortRange.isValidPort(port)).ifPresent(port -> {
            throw new InvalidRequestException("invalid preferred_port " + port + ": ports are 1-65535");
        });
        processId.filter(pid -> pid < 0).ifPresent(pid -> {
            throw new InvalidRequestException("invalid process_id " + pid + ": process ids are not negative");
        });
        avoidPorts = Set.copyOf(avoidPorts);
        if (avoidPorts.size() > MAX_AVOID_PORTS) {
            throw new InvalidRequestException("avoid_ports names " + avoidPorts.size() + " ports; at most "
                    + MAX_AVOID_PORTS + " may be avoided");
        }
        avoidPorts.stream().filter(port -> !PortRange.isValidPort(port)).findFirst().ifPresent(port -> {
            throw new InvalidRequestException("invalid port " + port + " in avoid_ports: ports are 1-65535");
        });
        if (protocol.filter(asked -> asked == Protocol.UDP).isPresent() && check.isPresent()) {
            throw new InvalidRequestException(UDP_WITHOUT_CHECK);
        }
        if (required && preferredPort.filter(avoidPorts::contains).isPresent()) {
            throw new InvalidRequestException("preferred_port " + preferredPort.get() + " is required and also in"
                    + " avoid_ports; ask for one or the other");
        }
    }
}
