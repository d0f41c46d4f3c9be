package io.sirsi.nexus.wire;

import io.sirsi.nexus.registry.Drained;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to {@code POST /ports/drain}: what is now Draining, and when its ports are released. */
public record DrainReply(
        @Schema(enumeration = "true") String success,
        String message,
        String host,
        @Schema(nullable = true, description = "The allocation drained, when one was named") AllocationView allocation,
        @Schema(description = "Every allocation now Draining by this request") List<AllocationView> drained,
        @Schema(description = "When the ports are released (and a host's maintenance ends) unless undrained before")
        Instant until,
        @Schema(nullable = true) String reason) {

    /** One allocation drained. */
    public static DrainReply ofAllocation(Drained drained) {
        return new DrainReply("true", "Draining until " + drained.until() + ": no longer offered by discovery",
                drained.host(), AllocationView.of(drained.allocations().get(0)), views(drained), drained.until(),
                drained.reason().orElse(null));
    }

    /** A host put in maintenance. */
    public static DrainReply ofHost(Drained drained) {
        return new DrainReply("true", "Host " + drained.host() + " in maintenance until " + drained.until() + ": "
                + drained.allocations().size() + " allocations draining, no new ones there", drained.host(), null,
                views(drained), drained.until(), drained.reason().orElse(null));
    }

    private static List<AllocationView> views(Drained drained) {
        return drained.allocations().stream().map(AllocationView::of).toList();
    }
}
