package io.sirsi.nexus.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /ports/drain}: one allocation, or a whole host (maintenance); how long it drains and why.
 * Exactly one of {@code allocation_id} and {@code host}.
 */
public record DrainRequest(
        @Schema(format = "uuid", pattern = AllocationIds.PATTERN, description = "The allocation to drain")
        String allocationId,
        @Schema(description = "A host to put in maintenance: all its allocations drain, and no new one is made"
                + " there until the time ends")
        String host,
        @JsonProperty("for")
        @Schema(description = "How long it drains before its port is released, e.g. 30s, 10m (default"
                + " sirsi.ports.drain-timeout; at most 30d)", examples = "30s")
        String drainFor,
        @Schema(description = "Why, for people reading the log; at most 200 characters", nullable = true)
        String reason) {
}
