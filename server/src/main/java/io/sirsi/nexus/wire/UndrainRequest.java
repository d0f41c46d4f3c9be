package io.sirsi.nexus.wire;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /ports/undrain}: exactly one of an allocation and a host in maintenance. */
public record UndrainRequest(
        @Schema(format = "uuid", pattern = AllocationIds.PATTERN, description = "The Draining allocation")
        String allocationId,
        @Schema(description = "A host: ends its maintenance and undrains every Draining allocation there")
        String host) {
}
