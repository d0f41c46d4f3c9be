package io.sirsi.nexus.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an autoscaler asks for: exactly {@code instances} instances of the service, one per host at most.
 *
 * @param hosts    where new instances may go; empty: every host the registry knows
 * @param strategy how their ports are chosen; empty: the registry's default
 * @param protocol what new instances receive on; empty: what the service's instances do, else TCP
 */
public record ScaleRequest(String serviceName, ServiceType serviceType, int instances, Optional<List<String>> hosts,
        Optional<PlacementStrategy> strategy, Optional<Protocol> protocol) {

    /** A request that leaves the protocol to the service's instances. */
    public ScaleRequest(String serviceName, ServiceType serviceType, int instances, Optional<List<String>> hosts,
            Optional<PlacementStrategy> strategy) {
        this(serviceName, serviceType, instances, hosts, strategy, Optional.empty());
    }

    /** More instances than this is a typo, not a plan. */
    public static final int MAX_INSTANCES = 1024;

    public ScaleRequest {
        ServiceNames.require(serviceName);
        Objects.requireNonNull(serviceType, "serviceType");
        if (instances < 0 || instances > MAX_INSTANCES) {
            throw new InvalidRequestException("invalid instances " + instances + ": expected 0 to " + MAX_INSTANCES);
        }
        hosts.filter(List::isEmpty).ifPresent(empty -> {
            throw new InvalidRequestException("hosts is empty: name at least one host, or leave it out for every"
                    + " host the registry knows");
        });
        hosts.filter(list -> list.size() > MAX_INSTANCES).ifPresent(list -> {
            throw new InvalidRequestException("hosts names " + list.size() + " hosts; at most " + MAX_INSTANCES);
        });
        hosts = hosts.map(List::copyOf);
    }
}
