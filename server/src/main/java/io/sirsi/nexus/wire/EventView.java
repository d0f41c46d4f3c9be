package io.sirsi.nexus.wire;

import io.sirsi.nexus.registry.ChangeEvent;
import java.time.Instant;

/** A change-log event on the wire: the {@code data} of a stream event, and an entry of {@code /ports/history}. */
public record EventView(long revision, String type, Instant at, AllocationView allocation) {

    public static EventView of(ChangeEvent event) {
        return new EventView(event.revision(), event.type().wireName(), event.at(),
                AllocationView.of(event.allocation()));
    }
}
