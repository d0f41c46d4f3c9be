package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.StoreUnavailableException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Durable storage of allocations. Each method either completes durably or throws
 * {@link StoreUnavailableException} having changed nothing.
 */
public interface AllocationStore {

    /** Prepares the store (directories, schema migrations); called once before anything else. */
    void open();

    /** Every allocation of the host. */
    List<Allocation> loadAll(String host);

    void insert(Allocation allocation);

    /** Replaces the stored allocation with the same id. */
    void update(Allocation allocation);

    /** Records a heartbeat. */
    void touch(UUID allocationId, Instant at);

    /** Deletes the allocations with these ids, all or none. */
    void delete(Collection<UUID> allocationIds);

    /** Fails unless the store can be read right now. */
    void ping();

    /** Where the data lives, for logs and health output. */
    String location();
}
