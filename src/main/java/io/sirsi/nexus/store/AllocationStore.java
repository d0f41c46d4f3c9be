package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Durable storage of allocations. Each method either completes durably or throws
 * {@link StoreUnavailableException} having changed nothing. A unique constraint refusing a change throws
 * {@link io.sirsi.nexus.registry.StoreConflictException}.
 */
public interface AllocationStore {

    /**
     * True when other registry processes may change the stored allocations (PostgreSQL shared by replicas): then
     * no process may trust a copy in its memory, and every change runs in {@link #inHostTransaction}.
     */
    boolean shared();

    /**
     * Runs the work as one transaction that holds the host's lock across every process sharing this store; the
     * store calls the work makes on this thread join that transaction, so what it reads is what it changes.
     * Commits when the work returns, rolls back when it throws.
     */
    <T> T inHostTransaction(String host, Supplier<T> work);

    /** Prepares the store (directories, schema migrations); called once before anything else. */
    void open();

    /** Every allocation of the host. */
    List<Allocation> loadAll(String host);

    /** The host's allocation of this service, if any: one indexed lookup. */
    Optional<Allocation> findByName(String host, String serviceName);

    /** The host's allocation of this port, if any: one indexed lookup. */
    Optional<Allocation> findByPort(String host, int port);

    /**
     * Applies the writes in their order, all in one transaction: all or none. Inside {@link #inHostTransaction}
     * they join that transaction instead.
     */
    void write(List<StoreWrite> writes);

    /** Fails unless the store can be read right now. */
    void ping();

    /** Where the data lives, for logs and health output. */
    String location();
}
