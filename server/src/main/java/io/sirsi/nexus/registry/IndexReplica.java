package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Keeps the {@link RegistryIndex} at the change log's head, and hands the log on to watchers ({@link ChangeFeed}).
 * The one place where the two stores' modes differ:
 * <ul>
 * <li>a store of this process alone (SQLite) has no other writer, so the index is always current;</li>
 * <li>a store that replicas share (PostgreSQL): before deciding, under the hosts' locks, the writer applies the
 * events committed since the index's revision (usually none or a few), and before a lookup answers, the
 * {@link LogFollower} makes sure the index holds every event committed before the request arrived.</li>
 * </ul>
 * Either way a change costs the events since it last looked, not the allocations held.
 */
final class IndexReplica implements GroupCommit.Log {

    private static final Logger LOG = Logger.getLogger(IndexReplica.class);
    /** How often a replica reads the log's head when nobody asks, so watchers hear of other replicas' changes. */
    private static final long FOLLOW_POLL_MILLIS = 100;
    /** Events a catch-up reads at once. */
    private static final int CATCH_UP_PAGE = 1000;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** What {@link #fresh} answers on a store of this process alone: one stage, which nobody can complete. */
    private static final CompletionStage<Void> CURRENT = CompletableFuture.completedStage(null);

    private final AllocationStore store;
    /** The registry's lock, which guards the index: held while events are applied, not while they are read. */
    private final ReentrantLock lock;
    private final RegistryIndex index;
    private final LeaseDeadlines deadlines;
    private final ChangeFeed feed;
    /** Only for a store that replicas share: how the index learns of their changes. */
    private final Optional<LogFollower> follower;

    IndexReplica(AllocationStore store, ReentrantLock lock, RegistryIndex index, LeaseDeadlines deadlines) {
        this.store = store;
        this.lock = lock;
        this.index = index;
        this.deadlines = deadlines;
        this.feed = new ChangeFeed(store, KEEP_ALIVE);
        this.follower = store.shared()
                ? Optional.of(new LogFollower(store, index, () -> catchUpFromLog(store, Long.MAX_VALUE),
                        FOLLOW_POLL_MILLIS))
                : Optional.empty();
    }

    /** True when other replicas write to the store too: heartbeat times and liveness must then be shared. */
    boolean shared() {
        return store.shared();
    }

    /**
     * Loads every stored allocation into the index. The ports freed within the reuse delay before this start keep
     * cooling after it: read back from the change log (its most recent {@link HistoryQuery#MAX_LIMIT} frees, oldest
     * first, so the newest free of a port wins).
     */
    void load(Duration reuseDelay, InstantSource clock) {
        reset(store.load());
        if (reuseDelay.isZero()) {
            return;
        }
        Instant now = clock.instant();
        List<ChangeEvent> recent = new ArrayList<>(store.history(new HistoryQuery(EventFilter.ALL,
                Optional.of(now.minus(reuseDelay)), Optional.empty(), HistoryQuery.MAX_LIMIT)));
        Collections.reverse(recent);
        recent.stream().filter(event -> event.type().freesPort()).forEach(event -> index.table(
                event.allocation().host()).free(event.allocation(), event.at()));
    }

    /** Starts handing out the log from the index's revision on, and (on a shared store) following the others. */
    void start() {
        feed.start(index.revision());
        follower.ifPresent(LogFollower::start);
    }

    void close() {
        follower.ifPresent(LogFollower::close);
        feed.close();
    }

    ChangeFeed feed() {
        return feed;
    }

    /**
     * Completes once the index holds every change committed before this call; at once when the store is this
     * process's alone.
     */
    CompletionStage<Void> fresh() {
        return follower.isPresent() ? follower.get().fresh() : CURRENT;
    }

    /**
     * How far behind the change log's head the index may be now: zero on a store of this process alone (every change
     * goes through it); on a shared store, the time since the follower last found the index at the head.
     */
    Duration lag() {
        return follower.map(LogFollower::lag).orElse(Duration.ZERO);
    }

    /** Called without the lock: the log is read outside it (see {@link #catchUpFromLog}). */
    @Override
    public void catchUp(HostTransaction transaction) {
        if (store.shared()) {
            catchUpFromLog(transaction, Long.MAX_VALUE);
        }
    }

    @Override
    public long appliedRevision() {
        return index.revision();
    }

    /** This process's events, committed with revisions from {@code first}: already in the index since decided. */
    @Override
    public void committed(long first, List<ChangeEvent> drafts) {
        long last = first + drafts.size() - 1;
        if (index.revision() >= last) {
            return; // the follower read them back from the log first, and published them
        }
        if (index.revision() < first - 1) {
            catchUpFromLog(store, first); // other replicas committed in between
        }
        index.advanceTo(last);
        feed.publish(numbered(first, drafts));
    }

    /** Loads the index whole, and with it every allocation's deadline. */
    private void reset(AllocationStore.Snapshot snapshot) {
        index.reset(snapshot);
        deadlines.rebuild();
    }

    /** The events with their revisions, consecutive from {@code first}. */
    static List<ChangeEvent> numbered(long first, List<ChangeEvent> drafts) {
        List<ChangeEvent> events = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            ChangeEvent draft = drafts.get(i);
            events.add(new ChangeEvent(first + i, draft.type(), draft.at(), draft.allocation()));
        }
        return events;
    }

    /**
     * Applies the events other writers committed after the index's revision and before {@code before}, read from
     * {@code log} (the store, or the writer's transaction). Each page of the log is read without the lock, and
     * applied under it: a read is a round trip on a shared store, and the writer deciding, or a thread queueing a
     * change, should not wait for it (issue 23). Should another thread have applied events meanwhile, the page is read
     * again from the new revision. Should the log no longer hold the next revision (pruned while this replica was
     * away), the index is loaded again whole.
     */
    private void catchUpFromLog(CatchUpReads log, long before) {
        while (true) {
            long applied = index.revision();
            if (applied + 1 >= before) {
                return;
            }
            List<ChangeEvent> events = log.eventsAfter(applied, CATCH_UP_PAGE);
            if (events.isEmpty()) {
                return;
            }
            lock.lock();
            try {
                if (index.revision() != applied) {
                    continue; // applied by another thread meanwhile: read on from where it left the index
                }
                if (events.get(0).revision() != applied + 1) {
                    LOG.warnf("The change log no longer holds revision %d (oldest: %d); reloading every allocation",
                            applied + 1, events.get(0).revision());
                    reset(log.load());
                    return;
                }
                List<ChangeEvent> applying = events.stream().filter(event -> event.revision() < before).toList();
                applying.forEach(event -> {
                    UUID allocationId = event.allocation().allocationId();
                    Optional<Allocation> previous = index.byId(allocationId);
                    index.apply(event);
                    // gone: its deadline is dropped when it comes
                    index.byId(allocationId).ifPresent(next -> previous.ifPresentOrElse(
                            was -> deadlines.changed(was, next), () -> deadlines.added(next)));
                });
                feed.publish(applying);
                if (applying.size() < events.size() || events.size() < CATCH_UP_PAGE) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
