package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.Optional;

/** A host in maintenance until a time: its allocations drain, and no new one is made there until then. */
public record Maintenance(String host, Instant until, Optional<String> reason) {

    /** In effect at the moment: it ends at {@link #until}. */
    public boolean inEffectAt(Instant now) {
        return now.isBefore(until);
    }
}
