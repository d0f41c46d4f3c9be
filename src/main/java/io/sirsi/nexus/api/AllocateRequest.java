package io.sirsi.nexus.api;

import io.sirsi.nexus.registry.ServiceNames;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /ports/allocate}. */
public record AllocateRequest(
        @Schema(required = true, example = "my-api", pattern = ServiceNames.PATTERN)
        @NotNull(message = "service_name is required")
        @Pattern(regexp = ServiceNames.PATTERN, message = "service_name must be " + ServiceNames.RULE)
        String serviceName,

        @Schema(required = true, example = "rest-api", enumeration = {"rest-api", "grpc", "websocket", "database",
                "cache", "analytics", "security", "frontend", "custom"})
        @NotNull(message = "service_type is required")
        String serviceType,

        @Schema(description = "Port wanted; granted when free", example = "8080", minimum = "1", maximum = "65535")
        @Min(value = 1, message = "preferred_port must be a port from 1 to 65535")
        @Max(value = 65535, message = "preferred_port must be a port from 1 to 65535")
        Integer preferredPort,

        @Schema(description = "Fail with 409 rather than fall back to another port", defaultValue = "false")
        Boolean required,

        @Schema(description = "Process id of the service, for operators", nullable = true)
        @PositiveOrZero(message = "process_id must not be negative")
        Long processId) {
}
