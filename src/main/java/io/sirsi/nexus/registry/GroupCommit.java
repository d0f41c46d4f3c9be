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
        lock.lock(); // submit runs under the lock: after this, nothing is queued that the writer will not see
        try {
            closing = true;
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs until closed and the queue is empty; whatever fails, no request is left waiting. */
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
                LOG.debug("Store writer interrupted; it stops only when the registry closes");
            } catch (Throwable e) { // an Error too: the thread must live on, or every later write would hang
                LOG.errorf(e, "The store writer failed unexpectedly; continuing");
                StoreUnavailableException unavailable = unavailable(e);
                batch.forEach(queued -> queued.durable().completeExceptionally(unavailable)); // no-op if answered
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
        } catch (RegistryException refused) {
            undo(batch, refused);
            return;
        } catch (RuntimeException | Error e) {
            undo(batch, unavailable(e));
            throw e;
        }
        for (Queued queued : batch) {
            try {
                queued.changes().committed(); // before the answer, so a client that sees 200 finds it counted
            } catch (RuntimeException e) {
                LOG.errorf(e, "Reporting a committed change failed");
            } finally {
                queued.durable().complete(null);
            }
        }
    }

    private static StoreUnavailableException unavailable(Throwable cause) {
        return new StoreUnavailableException("the registry cannot write allocations: " + cause
                + "; nothing was changed", cause);
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
            undone.forEach(queued -> queued.durable().completeExceptionally(cause));
        }
        LOG.errorf("Store write failed; %d changes undone and refused: %s", undone.size(), cause.getMessage());
    }
}
