package io.sirsi.nexus.registry;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * How a decision reaches {@link GroupCommit}: on the hosts it changes, once the registry is open. Shared by the
 * registry's façade and its {@link Leases}, which decide their changes alike.
 */
final class HostChanges {

    private final GroupCommit groupCommit;
    private final IndexReplica replica;
    private final RegistryIndex index;
    private volatile boolean open;

    HostChanges(GroupCommit groupCommit, IndexReplica replica, RegistryIndex index) {
        this.groupCommit = groupCommit;
        this.replica = replica;
        this.index = index;
    }

    void opened() {
        open = true;
    }

    boolean isOpen() {
        return open;
    }

    void requireOpen() {
        if (!open) {
            throw new StoreUnavailableException("the registry is still starting; retry in a moment", null);
        }
    }

    /** Decides a change on these hosts once the registry is open; the stage completes once it is durable. */
    <T> CompletionStage<T> change(Set<String> hosts, Function<ChangeSet, T> action) {
        requireOpen();
        return groupCommit.submit(hosts, action);
    }

    /**
     * A change to one allocation, named by id: the change is decided under its host's lock, on the index brought to
     * the log's head under that lock. An allocation's host never changes, so an id this index knows names its host
     * already; only an id it does not know needs a fresh index (on a replica, one read of the log's head, issue 23)
     * to tell its host, or that it did not exist when the request arrived.
     */
    <T> CompletionStage<T> ofAllocation(UUID allocationId, Function<ChangeSet, T> action) {
        requireOpen();
        Optional<Allocation> known = index.byId(allocationId);
        if (known.isPresent()) {
            return change(Set.of(known.get().host()), action);
        }
        return replica.fresh().thenCompose(fresh -> {
            Allocation allocation = index.byId(allocationId).orElseThrow(() -> notFound(allocationId));
            return change(Set.of(allocation.host()), action);
        });
    }

    static NotRegisteredException notFound(UUID allocationId) {
        return new NotRegisteredException("no allocation with id " + allocationId);
    }

    /** Waits for a change; its failure is thrown as it is, not wrapped. */
    static <T> T await(CompletionStage<T> change) {
        try {
            return change.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
