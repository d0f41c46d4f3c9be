package io.sirsi.nexus.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /ports/release}. */
public record ReleaseRequest(
        @Schema(required = true, format = "uuid")
        @NotNull(message = "allocation_id is required")
        @Pattern(regexp = AllocationIds.PATTERN, message = "allocation_id must be a UUID")
        String allocationId) {
}
