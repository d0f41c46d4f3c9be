package io.sirsi.nexus.wire;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /ports/release}; its id is checked by {@link AllocationIds#parse}. */
public record ReleaseRequest(
        @Schema(required = true, format = "uuid", pattern = AllocationIds.PATTERN)
        String allocationId) {
}
