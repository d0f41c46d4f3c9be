package io.sirsi.nexus.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of a scale: how many instances a service should have across hosts.
 *
 * @param serviceName the service
 * @param serviceType its type
 * @param instances how many instances it should have (0 releases them all)
 * @param hosts the hosts new instances may go to; every host the registry knows when absent
 * @param strategy how the new instances' ports are chosen
 * @param protocol what new instances receive on, {@code tcp} or {@code udp}; what the service's instances do (else
 *        tcp) when absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScaleRequest(String serviceName, String serviceType, int instances, List<String> hosts,
        String strategy, String protocol) {

    /** A request without a protocol, as this record was before it had one. */
    public ScaleRequest(String serviceName, String serviceType, int instances, List<String> hosts, String strategy) {
        this(serviceName, serviceType, instances, hosts, strategy, null);
    }

    /** Scale the service to this many instances, on any host, with the registry's default strategy. */
    public static ScaleRequest of(String serviceName, String serviceType, int instances) {
        return new ScaleRequest(serviceName, serviceType, instances, null, null);
    }

    /** This request, placing new instances only on these hosts. */
    public ScaleRequest withHosts(List<String> hosts) {
        return new ScaleRequest(serviceName, serviceType, instances, List.copyOf(hosts), strategy, protocol);
    }

    /** This request, choosing new ports with this strategy. */
    public ScaleRequest withStrategy(String strategy) {
        return new ScaleRequest(serviceName, serviceType, instances, hosts, strategy, protocol);
    }

    /** This request, for new instances that receive on {@code tcp} or {@code udp}. */
    public ScaleRequest withProtocol(String protocol) {
        return new ScaleRequest(serviceName, serviceType, instances, hosts, strategy, protocol);
    }
}
