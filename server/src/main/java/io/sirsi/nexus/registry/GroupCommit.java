package io.sirsi.nexus.registry;

import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Decides and commits changes in groups, on one writer thread: it takes everything queued, opens one transaction
 * holding the locks of the hosts involved, brings the index up to date with what other writers committed (nothing
 * to do when the store is this process's alone), takes in what was queued on those hosts while it waited for their
 * locks, decides each change on the index, writes their rows and events, commits, and only then answers the
 * waiting requests. One commit thus serves every request that arrived meanwhile, and no request holds a thread while
 * the disk works.
 *
 * <p>A change that the registry refuses (a port taken, an unknown id) fails alone and changes nothing. If the
 * transaction fails, every change of the group is undone from the index, most recent first, and their requests
 * fail; nothing is acknowledged that is not committed. A group that lost a race in the store (another replica, a
 * unique constraint) is decided again, on what the winner committed.
 */
final class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    /** Changes per transaction at most, so one transaction stays short. */
    private static final int MAX_BATCH = 256;
    /** How often a group that lost a race in the store is decided again before its requests are refused. */
    private static final int ATTEMPTS = 5;

    /** What the writer calls around each group, from {@link IndexReplica}. */
    interface Log {
        /**
         * Applies what other writers committed since the index's revision, read in the group's transaction; called
         * without the lock, which it takes only to apply what it read.
         */
        void catchUp(HostTransaction transaction);

        /** The revision up to which the index holds the log, for the store to read on from (see catchUp). */
        long appliedRevision();

        /** Reports committed events (their revisions set) in order; called with the lock held. */
        void committed(long first, List<ChangeEvent> events);
    }

    /** What the writer calls once a group is committed. */
    interface Settled {
        /**
         * The group's transaction on these hosts committed these events (their revisions from {@code first}; none
         * when nothing was logged). Called on the writer thread without the lock, before any request of the group
         * is answered, so that no other change is decided meanwhile.
         */
        void settled(Set<String> hosts, long first, List<ChangeEvent> events);
    }

    private static final class Queued<T> {
        final Set<String> hosts;
        final Function<ChangeSet, T> action;
        final CompletableFuture<T> result = new CompletableFuture<>();
        ChangeSet changes;
        T decided;

        Queued(Set<String> hosts, Function<ChangeSet, T> action) {
            this.hosts = hosts;
            this.action = action;
        }

        void complete() {
            result.complete(decided);
        }
    }

    private final AllocationStore store;
    /** The registry's lock, which guards the index. */
    private final ReentrantLock lock;
    private final RegistryIndex index;
    private final LeaseDeadlines deadlines;
    private final Log log;
    private final Settled settled;
    private final RegistryObserver observer;
    private final InstantSource clock;
    private final BlockingQueue<Queued<?>> queue = new LinkedBlockingQueue<>();
    /**
     * Changes that arrived while a group waited for its hosts' locks but need hosts it does not hold: first in the
     * next group, before anything queued after them. The writer thread's alone.
     */
    private final ArrayDeque<Queued<?>> heldOver = new ArrayDeque<>();
    /**
     * Orders queueing against closing. Not the registry's lock: the writer holds that while it decides, which on a
     * shared store includes reading the log in the group's transaction, and a request's thread (an event loop) that
     * waited for it to queue a change stalled every request on that loop for a round trip (issue 23).
     */
    private final Object queueing = new Object();
    private final Thread writer = new Thread(this::run, "sirsi-store-writer");
    private volatile boolean closing;

    GroupCommit(AllocationStore store, ReentrantLock lock, RegistryIndex index, LeaseDeadlines deadlines, Log log,
            Settled settled, RegistryObserver observer, InstantSource clock) {
        this.store = store;
        this.lock = lock;
        this.index = index;
        this.deadlines = deadlines;
        this.log = log;
        this.settled = settled;
        this.observer = observer;
        this.clock = clock;
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /**
     * Queues a change on these hosts; the action decides it on the index, inside the group's transaction, and
     * throws to refuse it. The stage completes once the change is durable.
     */
    <T> CompletableFuture<T> submit(Collection<String> hosts, Function<ChangeSet, T> action) {
        Queued<T> queued = new Queued<>(Set.copyOf(hosts), action);
        synchronized (queueing) { // close() too: after closing, nothing is queued that the writer will not see
            if (closing) {
                throw new StoreUnavailableException("the registry is shutting down; nothing was changed", null);
            }
            queue.add(queued);
        }
        return queued.result;
    }

    /** Commits what is queued, then stops the writer thread. */
    void close() {
        synchronized (queueing) {
            closing = true;
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs until closed and the queue is empty; whatever fails, no request is left waiting. */
    private void run() {
        List<Queued<?>> batch = new ArrayList<>(MAX_BATCH);
        while (!closing || !queue.isEmpty() || !heldOver.isEmpty()) {
            try {
                if (heldOver.isEmpty()) {
                    Queued<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                long taken = System.nanoTime();
                while (batch.size() < MAX_BATCH && !heldOver.isEmpty()) { // what waited longest, first
                    batch.add(heldOver.poll());
                }
                queue.drainTo(batch, MAX_BATCH - batch.size());
                try {
                    commit(batch);
                } finally {
                    observer.writerBusy(System.nanoTime() - taken);
                }
            } catch (InterruptedException e) {
                LOG.debug("Store writer interrupted; it stops only when the registry closes");
            } catch (Throwable e) { // an Error too: the thread must live on, or every later write would hang
                LOG.errorf(e, "The store writer failed unexpectedly; continuing");
                StoreUnavailableException unavailable = unavailable(e);
                batch.forEach(queued -> queued.result.completeExceptionally(unavailable)); // no-op if answered
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Queued<?>> batch) {
        for (int attempt = 1; ; attempt++) {
            List<Queued<?>> decided = new ArrayList<>(batch.size());
            List<Refusal> refused = new ArrayList<>();
            Set<String> hosts = new HashSet<>();
            batch.forEach(queued -> hosts.addAll(queued.hosts));
            List<ChangeEvent> events = new ArrayList<>();
            long first;
            long begun = System.nanoTime();
            try {
                first = store.inHostTransaction(hosts, log.appliedRevision(), transaction -> {
                    List<StoreWrite> writes = new ArrayList<>();
                    decide(transaction, hosts, batch, decided, refused, writes, events);
                    return writes.isEmpty() && events.isEmpty() ? -1L : transaction.commit(writes, events);
                });
            } catch (StoreConflictException lost) {
                undo(decided);
                if (attempt < ATTEMPTS) {
                    LOG.debugf("Store race lost, deciding %d changes again (%d of %d): %s", batch.size(), attempt,
                            ATTEMPTS, lost.getMessage());
                    continue;
                }
                fail(batch, lost);
                return;
            } catch (RegistryException failed) {
                undo(decided);
                refused.forEach(Refusal::answer);
                fail(batch, failed);
                LOG.errorf("Store write failed; %d changes undone and refused: %s", decided.size(),
                        failed.getMessage());
                return;
            } catch (RuntimeException | Error e) {
                undo(decided);
                refused.forEach(Refusal::answer);
                fail(batch, unavailable(e));
                throw e;
            }
            if (first >= 0) {
                observer.groupCommitted(events.size(), System.nanoTime() - begun);
                if (!events.isEmpty()) {
                    lock.lock();
                    try {
                        log.committed(first, events);
                    } finally {
                        lock.unlock();
                    }
                }
            }
            try {
                settled.settled(hosts, first, first >= 0 ? events : List.of());
            } catch (RuntimeException e) {
                LOG.errorf(e, "Settling a committed group failed");
            }
            refused.forEach(Refusal::answer);
            for (Queued<?> queued : decided) {
                try {
                    queued.changes.committed(); // before the answer, so a client that sees 200 finds it counted
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Reporting a committed change failed");
                } finally {
                    queued.complete();
                }
            }
            return;
        }
    }

    private record Refusal(Queued<?> queued, RuntimeException reason) {
        void answer() {
            queued.result.completeExceptionally(reason);
        }
    }

    /**
     * Decides every change of the group on an up-to-date index, the changes that arrived on the locked hosts while
     * the group waited for their locks included; a refused one is undone at once and left out.
     */
    private void decide(HostTransaction transaction, Set<String> locked, List<Queued<?>> batch,
            List<Queued<?>> decided, List<Refusal> refused, List<StoreWrite> writes, List<ChangeEvent> events) {
        decided.clear();
        refused.clear();
        events.clear();
        log.catchUp(transaction); // the hosts' locks are held: no other writer changes them until this one commits
        joinLocked(locked, batch);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        lock.lock();
        try {
            for (Queued<?> queued : batch) {
                ChangeSet changes = new ChangeSet(index, deadlines, transaction, now);
                try {
                    decideOne(queued, changes);
                    decided.add(queued);
                    writes.addAll(changes.writes());
                    events.addAll(changes.events());
                } catch (RuntimeException refusal) {
                    changes.undo();
                    refused.add(new Refusal(queued, refusal));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds to the group what was queued meanwhile on the hosts it holds. On a shared store a group waits for its
     * hosts' locks while another replica's group commits (a round trip, a commit), and the requests answered by this
     * replica's last group come back meanwhile: without this they would wait for the next group, and a replica's
     * clients would split into two halves taking turns, each group half as large as it could be (issue 23: 17
     * changes a group of 32 connections; with it 25, and two replicas 1.16x the cycles). On SQLite the lock is not
     * waited for and little has arrived.
     */
    private void joinLocked(Set<String> locked, List<Queued<?>> batch) {
        if (batch.size() >= MAX_BATCH || queue.isEmpty()) {
            return;
        }
        List<Queued<?>> arrived = new ArrayList<>();
        queue.drainTo(arrived, MAX_BATCH - batch.size());
        for (Queued<?> queued : arrived) {
            (locked.containsAll(queued.hosts) ? batch : heldOver).add(queued);
        }
    }

    private static <T> void decideOne(Queued<T> queued, ChangeSet changes) {
        queued.changes = changes;
        queued.decided = queued.action.apply(changes);
    }

    private void undo(List<Queued<?>> decided) {
        lock.lock();
        try {
            for (int i = decided.size() - 1; i >= 0; i--) {
                decided.get(i).changes.undo();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void fail(List<Queued<?>> batch, RuntimeException cause) {
        batch.forEach(queued -> queued.result.completeExceptionally(cause)); // a refused one keeps its answer
    }

    /**
     * A failure nobody foresaw (a bug, not the store refusing): the client hears that its write failed and changed
     * nothing, never the failure's Java name or its text; the log has both (the writer logs it with its trace).
     */
    private static StoreUnavailableException unavailable(Throwable cause) {
        return new StoreUnavailableException("the registry cannot write allocations: it failed unexpectedly, and the"
                + " registry log says why; nothing was changed", cause);
    }
}
