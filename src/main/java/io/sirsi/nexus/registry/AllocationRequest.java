package io.sirsi.nexus.registry;

import java.util.Objects;
import java.util.Optional;

/** What a service asks for when it wants a port; a request that breaks a rule cannot be made. */
public record AllocationRequest(
        String serviceName,
        ServiceType serviceType,
        Optional<Integer> preferredPort,
        boolean required,
        Optional<Long> processId) {

    public AllocationRequest {
        ServiceNames.require(serviceName);
        Objects.requireNonNull(serviceType, "serviceType");
        preferredPort.filter(port -> !PortRange.isValidPort(port)).ifPresent(port -> {
            throw new InvalidRequestException("invalid preferred_port " + port + ": ports are 1-65535");
        });
        processId.filter(pid -> pid < 0).ifPresent(pid -> {
            throw new InvalidRequestException("invalid process_id " + pid + ": process ids are not negative");
        });
    }
}
