package io.sirsi.nexus.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Hands the change log to watchers and to blocking reads, in revision order, as the index applies it. The events
 * applied last are kept in memory; a watcher that starts further back reads the store first, then joins.
 *
 * <p>Delivery runs on a thread of its own, never on the writer's: a thousand watchers cost the writer one append
 * to the ring per event. A watcher that cannot keep up (its sink refuses) is dropped; it resumes from its last
 * revision with the next connection, losing nothing.
 */
public final class ChangeFeed {

    /** Receives the events of one watch, in revision order; returns false to end the watch. */
    public interface Watcher {
        boolean deliver(ChangeEvent event);

        /**
         * Called when nothing was delivered for a while, so that idle connections stay open (SSE comments), with the
         * revision the watch has read up to: events its filter passed over are behind it, so a client that resumes
         * from there (SSE's {@code id}) does not ask for them again, which the log may have pruned meanwhile.
         */
        boolean keepAlive(long readUpTo);

        /** The watch ended: the watcher was too slow, the registry is closing, or the revision was pruned. */
        void ended(String why);
    }

    /** A running watch; {@link #cancel} ends it. */
    public interface Subscription {
        void cancel();
    }

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);
    private static final int RING = 16_384;
    private static final int PAGE = 500;

    private final AllocationStore store;
    private final ChangeEvent[] ring = new ChangeEvent[RING];
    /** Revision of the newest event in the ring; guarded by {@link #signal}'s lock. */
    private long newest;
    private final ReentrantLock signalLock = new ReentrantLock();
    private final Condition signal = signalLock.newCondition();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<RevisionWaiter> waiters = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sirsi-change-feed-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread dispatcher = new Thread(this::dispatch, "sirsi-change-feed");
    private final Duration keepAlive;
    private volatile boolean closed;

    ChangeFeed(AllocationStore store, Duration keepAlive) {
        this.store = store;
        this.keepAlive = keepAlive;
        dispatcher.setDaemon(true);
    }

    /** Starts at the index's revision: events up to it are in the store, later ones come through {@link #publish}. */
    void start(long revision) {
        signalLock.lock();
        try {
            newest = revision;
        } finally {
            signalLock.unlock();
        }
        dispatcher.start();
    }

    void close() {
        closed = true;
        signalLock.lock();
        try {
            signal.signalAll();
        } finally {
            signalLock.unlock();
        }
        timers.shutdownNow();
        watches.forEach(watch -> watch.watcher.ended("the registry is shutting down"));
        waiters.forEach(waiter -> waiter.future.complete(newest()));
    }

    /**
     * Events the index has just applied, in revision order, with no revision missing. Without a watch, the ring is
     * left as it is and the dispatcher asleep: the ring would keep the last 16,384 events alive for a second or two,
     * long enough for the collector to copy each of them several times, and waking the dispatcher per commit cost
     * the writer a context switch (together 2 to 3 % of a registration's CPU, docs/benchmarks.md). A watch that
     * starts later reads what the ring lacks from the store, where these events are committed already, and
     * {@link #watch} wakes the dispatcher itself.
     */
    void publish(List<ChangeEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        long last;
        signalLock.lock();
        try {
            boolean watched = !watches.isEmpty();
            if (watched) {
                for (ChangeEvent event : events) {
                    ring[(int) (event.revision() % RING)] = event;
                }
            }
            newest = events.get(events.size() - 1).revision();
            last = newest;
            if (watched) {
                signal.signalAll();
            }
        } finally {
            signalLock.unlock();
        }
        for (RevisionWaiter waiter : waiters) {
            if (waiter.after < last && waiters.remove(waiter)) {
                waiter.future.complete(last);
            }
        }
    }

    /** The revision of the newest event handed out. */
    public long newest() {
        signalLock.lock();
        try {
            return newest;
        } finally {
            signalLock.unlock();
        }
    }

    /**
     * Completes with the newest revision once it passes {@code after}, or when the wait is over, whichever comes
     * first: a blocking read.
     */
    public CompletionStage<Long> awaitAfter(long after, Duration wait) {
        long now = newest();
        if (now > after || wait.isZero() || closed) {
            return CompletableFuture.completedFuture(now);
        }
        RevisionWaiter waiter = new RevisionWaiter(after, new CompletableFuture<>());
        waiters.add(waiter);
        long current = newest(); // published between the first look and the add: do not wait for the next one
        if (current > after && waiters.remove(waiter)) {
            waiter.future.complete(current);
        }
        timers.schedule(() -> {
            if (waiters.remove(waiter)) {
                waiter.future.complete(newest());
            }
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
        return waiter.future;
    }

    private record RevisionWaiter(long after, CompletableFuture<Long> future) {
    }

    /**
     * Watches the events after {@code after} that match the filter. The caller has checked that the revision is
     * still retained; should it be pruned before the watch reads it, the watch ends.
     */
    public Subscription watch(long after, EventFilter filter, Watcher watcher) {
        Watch watch = new Watch(after, filter, watcher);
        watches.add(watch);
        signalLock.lock();
        try {
            signal.signalAll();
        } finally {
            signalLock.unlock();
        }
        return () -> watches.remove(watch);
    }

    private static final class Watch {
        final EventFilter filter;
        final Watcher watcher;
        long cursor;
        long lastSent = System.nanoTime();

        Watch(long cursor, EventFilter filter, Watcher watcher) {
            this.cursor = cursor;
            this.filter = filter;
            this.watcher = watcher;
        }
    }

    private void dispatch() {
        while (!closed) {
            long target;
            signalLock.lock();
            try {
                if (watches.stream().allMatch(watch -> watch.cursor >= newest)) {
                    signal.await(1, TimeUnit.SECONDS);
                }
                target = newest;
            } catch (InterruptedException e) {
                continue;
            } finally {
                signalLock.unlock();
            }
            for (Watch watch : watches) {
                // a failure must not leave this loop: it would end the one thread that serves every watch, and
                // every stream would go silent
                try {
                    if (!advance(watch, target)) {
                        watches.remove(watch);
                    }
                } catch (RuntimeException e) {
                    LOG.warnf("A watch ended: %s", e.getMessage());
                    watches.remove(watch);
                    end(watch, "the registry cannot serve this watch: " + e.getMessage());
                }
            }
        }
    }

    private static void end(Watch watch, String why) {
        try {
            watch.watcher.ended(why);
        } catch (RuntimeException alsoFailed) {
            LOG.debugf("Ending a watch: %s", alsoFailed.getMessage());
        }
    }

    /** Delivers the watch's events up to the target revision; false when the watch is over. */
    private boolean advance(Watch watch, long target) {
        while (watch.cursor < target) {
            List<ChangeEvent> next = read(watch.cursor, target);
            if (next.isEmpty() || next.get(0).revision() != watch.cursor + 1) {
                watch.watcher.ended("revision " + (watch.cursor + 1) + " is no longer retained");
                return false;
            }
            for (ChangeEvent event : next) {
                watch.cursor = event.revision();
                if (watch.filter.matches(event)) {
                    watch.lastSent = System.nanoTime();
                    if (!watch.watcher.deliver(event)) {
                        return false;
                    }
                }
            }
        }
        if (System.nanoTime() - watch.lastSent > keepAlive.toNanos()) {
            watch.lastSent = System.nanoTime();
            return watch.watcher.keepAlive(watch.cursor);
        }
        return true;
    }

    /** The events after the cursor up to the target: from the ring while it still holds them, else the store. */
    private List<ChangeEvent> read(long cursor, long target) {
        List<ChangeEvent> events = new ArrayList<>();
        signalLock.lock();
        try {
            for (long revision = cursor + 1; revision <= target && events.size() < PAGE; revision++) {
                ChangeEvent event = ring[(int) (revision % RING)];
                if (event == null || event.revision() != revision) {
                    events.clear();
                    break;
                }
                events.add(event);
            }
        } finally {
            signalLock.unlock();
        }
        if (!events.isEmpty()) {
            return events;
        }
        return store.eventsAfter(cursor, (int) Math.min(PAGE, target - cursor)); // fell out of the ring, or before it
    }
}
