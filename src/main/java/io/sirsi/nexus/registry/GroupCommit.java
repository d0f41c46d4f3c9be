package io.sirsi.nexus.registry;

import io.sirsi.nexus.store.AllocationStore;
import io.sirsi.nexus.store.StoreWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Group commit for a store of this process alone: the registry decides each change in memory under its lock and
 * queues it here; one thread writes everything queued while the previous transaction committed in one
 * transaction, then completes the waiting requests. One commit thus serves every request that arrived meanwhile,
 * and no request holds the registry's lock, or a thread, while the disk works.
 *
 * <p>If a transaction fails, its changes and every change queued after it (each decided on top of the failed
 * ones) are undone from the table, most recent first, and their requests fail; nothing is acknowledged that is
 * not committed.
 */
final class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    /** Changes per transaction at most, so one transaction stays short. */
    private static final int MAX_BATCH = 256;

    private record Queued(ChangeSet changes, CompletableFuture<Void> durable) {
    }

    private final AllocationStore store;
    /** The registry's lock, which guards the table the changes were applied to. */
    private final ReentrantLock lock;
    private final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final Thread writer = new Thread(this::run, "sirsi-store-writer");
    private volatile boolean closing;

    GroupCommit(AllocationStore store, ReentrantLock lock) {
        this.store = store;
        this.lock = lock;
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /** Queues changes already applied to the table; call with the registry's lock held. */
    CompletableFuture<Void> submit(ChangeSet changes) {
        if (closing) {
            throw new StoreUnavailableException("the registry is shutting down; nothing was changed", null);
        }
        Queued queued = new Queued(changes, new CompletableFuture<>());
        queue.add(queued);
        return queued.durable();
    }

    /** Writes what is queued, then stops the writer thread. */
    void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Queued> batch = new ArrayList<>(MAX_BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "The store writer failed unexpectedly; continuing");
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Queued> batch) {
        List<StoreWrite> writes = new ArrayList<>();
        batch.forEach(queued -> writes.addAll(queued.changes().writes()));
        try {
            store.write(writes);
        } catch (RuntimeException e) {
            undo(batch, e instanceof RegistryException refused ? refused
                    : new StoreUnavailableException("the registry cannot write allocations: " + e.getMessage()
                            + "; nothing was changed", e));
            return;
        }
        for (Queued queued : batch) {
            queued.changes().committed();
            queued.durable().complete(null);
        }
    }

    private void undo(List<Queued> failed, RegistryException cause) {
        List<Queued> undone = new ArrayList<>(failed);
        lock.lock();
        try {
            queue.drainTo(undone); // decided on top of the failed changes, so they cannot stand either
            for (int i = undone.size() - 1; i >= 0; i--) {
                undone.get(i).changes().undo();
            }
        } finally {
            lock.unlock();
        }
        LOG.errorf("Store write failed; %d changes undone and refused: %s", undone.size(), cause.getMessage());
        undone.forEach(queued -> queued.durable().completeExceptionally(cause));
    }
}
