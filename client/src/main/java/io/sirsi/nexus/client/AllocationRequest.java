package io.sirsi.nexus.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * The body of an allocation: which service wants a port, of what type, and its wishes. Build one with
 * {@link #of(String, String)} and the {@code with...} methods; only the name and type are required.
 *
 * @param serviceName the service's name (lowercase letters, digits and dashes, at most 63)
 * @param serviceType its type; the registry's range for that type supplies the port
 * @param preferredPort the port wanted; granted when free, else another (unless {@code required})
 * @param required whether to fail with {@link PortUnavailableException} rather than fall back to another port
 * @param processId the service's process id, for operators
 * @param host the host the port is for; the registry's own host when absent
 * @param strategy how the port is chosen: {@code first-free}, {@code random}, {@code same-port}, {@code sticky}
 * @param avoidPorts ports not to grant (another process holds them on the host)
 * @param liveness what keeps the allocation alive: {@code heartbeat} (the registry's default) or {@code listener}
 *        (its listening socket, as the host's agent sees it)
 * @param check the one check the host's agent runs on the service; a critical one leaves discovery
 * @param protocol what the service receives on: {@code tcp} (the registry's default) or {@code udp} (a bound UDP
 *        socket is then its listener, DNS offers it as {@code _udp}, and it can have no check)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AllocationRequest(String serviceName, String serviceType, Integer preferredPort, Boolean required,
        Long processId, String host, String strategy, List<Integer> avoidPorts, String liveness, Check check,
        String protocol) {

    /** A request without a protocol (the registry's default, tcp), as this record was before it had one. */
    public AllocationRequest(String serviceName, String serviceType, Integer preferredPort, Boolean required,
            Long processId, String host, String strategy, List<Integer> avoidPorts, String liveness, Check check) {
        this(serviceName, serviceType, preferredPort, required, processId, host, strategy, avoidPorts, liveness,
                check, null);
    }

    /**
     * A check: {@code type} {@code tcp} (connect) or {@code http} (GET of {@code path}); {@code interval} and
     * {@code timeout} as durations ({@code 10s}, {@code 500ms}), the registry's defaults when null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(String type, String path, String interval, String timeout) {

        /** A TCP connect to the service's port. */
        public static Check tcp() {
            return new Check("tcp", null, null, null);
        }

        /** An HTTP GET of the path (and query) on the service's port: 2xx passes. */
        public static Check http(String path) {
            return new Check("http", Objects.requireNonNull(path, "path"), null, null);
        }

        /** This check, run at this interval with this timeout. */
        public Check every(String interval, String timeout) {
            return new Check(type, path, interval, timeout);
        }
    }

    /** A request for a port of this type for this service, with no other wishes. */
    public static AllocationRequest of(String serviceName, String serviceType) {
        return new AllocationRequest(Objects.requireNonNull(serviceName, "serviceName"),
                Objects.requireNonNull(serviceType, "serviceType"), null, null, null, null, null, null, null, null,
                null);
    }

    /** This request, preferring the port. */
    public AllocationRequest withPreferredPort(int port) {
        return new AllocationRequest(serviceName, serviceType, port, required, processId, host, strategy, avoidPorts,
                liveness, check, protocol);
    }

    /** This request, requiring the preferred port: a refusal rather than another port. */
    public AllocationRequest withRequired(boolean required) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                avoidPorts, liveness, check, protocol);
    }

    /** This request, with the service's process id. */
    public AllocationRequest withProcessId(long processId) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                avoidPorts, liveness, check, protocol);
    }

    /** This request, for a port on this host. */
    public AllocationRequest withHost(String host) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                avoidPorts, liveness, check, protocol);
    }

    /** This request, choosing the port with this strategy. */
    public AllocationRequest withStrategy(String strategy) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                avoidPorts, liveness, check, protocol);
    }

    /** This request, never granting these ports. */
    public AllocationRequest withAvoidPorts(List<Integer> ports) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                List.copyOf(ports), liveness, check, protocol);
    }

    /** This request, kept alive by {@code heartbeat} or by its {@code listener} as the host's agent sees it. */
    public AllocationRequest withLiveness(String liveness) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                avoidPorts, liveness, check, protocol);
    }

    /** This request, with the one check its host's agent is to run. */
    public AllocationRequest withCheck(Check check) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                avoidPorts, liveness, check, protocol);
    }

    /** This request, for a service that receives on {@code tcp} or {@code udp}. */
    public AllocationRequest withProtocol(String protocol) {
        return new AllocationRequest(serviceName, serviceType, preferredPort, required, processId, host, strategy,
                avoidPorts, liveness, check, protocol);
    }

    /** Whether a refusal of this request is about its one required port. */
    boolean requiresPort() {
        return Boolean.TRUE.equals(required) && preferredPort != null;
    }
}
