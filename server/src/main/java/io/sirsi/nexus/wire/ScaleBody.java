package io.sirsi.nexus.wire;

import io.sirsi.nexus.registry.InvalidRequestException;
import io.sirsi.nexus.registry.PlacementStrategy;
import io.sirsi.nexus.registry.Protocol;
import io.sirsi.nexus.registry.ScaleRequest;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.ServiceTypes;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /ports/scale}. */
public record ScaleBody(
        @Schema(required = true, example = "orders", pattern = ServiceNames.PATTERN, maxLength = 63)
        String serviceName,

        @Schema(required = true, example = "rest-api", pattern = ServiceType.PATTERN, maxLength = 32,
                description = "A built-in type or one sirsi.ports.ranges.<type> defines; see POST /ports/allocate")
        String serviceType,

        @Schema(required = true, description = "How many instances the service should have", example = "3",
                minimum = "0", maximum = "" + ScaleRequest.MAX_INSTANCES)
        Integer instances,

        @Schema(description = "Hosts new instances may go to; default: every host the registry knows")
        List<String> hosts,

        @Schema(description = "How the new instances' ports are chosen",
                enumeration = {"first-free", "random", "same-port", "sticky"})
        String strategy,

        @Schema(description = "What new instances receive on; default: what the service's instances do, else tcp."
                + " A service runs on one protocol everywhere: another is refused with 409",
                enumeration = {"tcp", "udp"}, nullable = true)
        String protocol) {

    public ScaleRequest toRegistryRequest(ServiceTypes types) {
        if (serviceName == null || serviceType == null || instances == null) {
            throw new InvalidRequestException("service_name, service_type and instances are required");
        }
        if (hosts != null && hosts.contains(null)) {
            throw new InvalidRequestException("hosts must hold host names, not null");
        }
        return new ScaleRequest(serviceName, types.parse(serviceType), instances, Optional.ofNullable(hosts),
                Optional.ofNullable(strategy).map(PlacementStrategy::parse),
                Optional.ofNullable(protocol).map(Protocol::parse));
    }
}
