package io.sirsi.nexus.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /ports/drain}: the allocation, how long it drains and why. */
public record DrainRequest(
        @Schema(required = true, format = "uuid", pattern = AllocationIds.PATTERN)
        String allocationId,
        @JsonProperty("for")
        @Schema(description = "How long it drains before its port is released, e.g. 30s, 10m (default"
                + " sirsi.ports.drain-timeout; at most 30d)", examples = "30s")
        String drainFor,
        @Schema(description = "Why, for people reading the log; at most 200 characters", nullable = true)
        String reason) {
}
