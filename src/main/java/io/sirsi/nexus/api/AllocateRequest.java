package io.sirsi.nexus.api;

import io.sirsi.nexus.registry.AllocationRequest;
import io.sirsi.nexus.registry.InvalidRequestException;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.registry.ServiceType;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /ports/allocate}. Checked by hand rather than by Bean Validation: this is the registry's
 * busiest write, and the rules live once, in {@link AllocationRequest}.
 */
public record AllocateRequest(
        @Schema(required = true, example = "my-api", pattern = ServiceNames.PATTERN, maxLength = 63)
        String serviceName,

        @Schema(required = true, example = "rest-api", enumeration = {"rest-api", "grpc", "websocket", "database",
                "cache", "analytics", "security", "frontend", "custom"})
        String serviceType,

        @Schema(description = "Port wanted; granted when free", example = "8080", minimum = "1", maximum = "65535")
        Integer preferredPort,

        @Schema(description = "Fail with 409 rather than fall back to another port", defaultValue = "false")
        Boolean required,

        @Schema(description = "Process id of the service, for operators", nullable = true, minimum = "0")
        Long processId) {

    /** The registry's request; fails with a message naming every missing field, or the first broken rule. */
    AllocationRequest toRegistryRequest() {
        if (serviceName == null || serviceType == null) {
            throw new InvalidRequestException(serviceName == null && serviceType == null
                    ? "service_name and service_type are required"
                    : (serviceName == null ? "service_name" : "service_type") + " is required");
        }
        return new AllocationRequest(serviceName, ServiceType.parse(serviceType), Optional.ofNullable(preferredPort),
                Boolean.TRUE.equals(required), Optional.ofNullable(processId));
    }
}
