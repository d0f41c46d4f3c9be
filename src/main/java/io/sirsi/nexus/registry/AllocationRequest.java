package io.sirsi.nexus.registry;

import java.util.Optional;

/** What a service asks for when it wants a port. */
public record AllocationRequest(
        String serviceName,
        ServiceType serviceType,
        Optional<Integer> preferredPort,
        boolean required,
        Optional<Long> processId) {
}
