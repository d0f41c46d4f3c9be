package io.sirsi.nexus.wire;

import io.sirsi.nexus.registry.Drained;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to {@code POST /ports/drain}: the allocation, now Draining, and when its port is released. */
public record DrainReply(
        @Schema(enumeration = "true") String success,
        String message,
        AllocationView allocation,
        @Schema(description = "When the port is released unless undrained or released before") Instant until,
        @Schema(nullable = true) String reason) {

    public static DrainReply of(Drained drained) {
        return new DrainReply("true", "Draining until " + drained.until() + ": no longer offered by discovery",
                AllocationView.of(drained.allocation()), drained.until(), drained.reason().orElse(null));
    }
}
