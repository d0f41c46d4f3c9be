package io.sirsi.nexus.registry;

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
     * A change to one allocation, named by id: its host is looked up on a fresh index (an id unknown there did not
     * exist when the request arrived), and the change is decided under that host's lock, on the index again.
     */
    <T> CompletionStage<T> ofAllocation(UUID allocationId, Function<ChangeSet, T> action) {
        requireOpen();
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
