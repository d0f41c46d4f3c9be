package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** One change to the stored allocations; {@link AllocationStore#write} applies a list of them as one unit. */
public sealed interface StoreWrite {

    record Insert(Allocation allocation) implements StoreWrite {
    }

    /** Replaces the stored allocation with the same id. */
    record Update(Allocation allocation) implements StoreWrite {
    }

    /** Records heartbeats: each allocation's last heartbeat time. Unknown ids are skipped. */
    record Touch(Map<UUID, Instant> lastHeartbeats) implements StoreWrite {
    }

    /** Unknown ids are skipped. */
    record Delete(List<UUID> allocationIds) implements StoreWrite {
    }

    /** Marks the allocation Draining until the time, with the reason given (or none). Unknown ids are skipped. */
    record Drain(UUID allocationId, Instant until, Optional<String> reason) implements StoreWrite {
    }

    /** Ends the allocation's drain: it is stored as Active again. Unknown ids are skipped. */
    record Undrain(UUID allocationId) implements StoreWrite {
    }

    /**
     * Puts the host in maintenance, replacing any maintenance it was in, and forgets every maintenance ended by
     * {@code now} (of any host: an ended one has no effect), so that the stored ones stay as bounded as the hosts.
     */
    record Maintain(Maintenance maintenance, Instant now) implements StoreWrite {
    }

    /** Ends the host's maintenance, if any. */
    record EndMaintenance(String host) implements StoreWrite {
    }
}
