package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.StoreConflictException;
import io.sirsi.nexus.store.ChangeLogTable.Keys;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Writes the change log's history keys behind it ({@link ChangeLogTable#indexHistory}): once commits have taken the
 * log's head {@link ChangeLogTable#HISTORY_BATCH} events past the last revision keyed, a thread of its own keys them
 * in one transaction, so the batch's keys share their pages. On its own thread rather than the committer's: the
 * committer answers its group first, and on SQLite the indexer then waits its turn for the write lock like any
 * writer. Nothing depends on it being on time: a history query reads the events not yet keyed from the log, so a
 * late or failed run only makes that read longer.
 *
 * <p>Its steps insert the keys plainly ({@link Keys#NONE_PAST_THE_MARK}): none exists past the mark. If one does
 * (a database edited or restored by hand), the step fails with a duplicate key and is run again skipping the keys
 * that exist, so that the keys never stop at a key that should not be there.
 */
final class HistoryIndexer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HistoryIndexer.class);
    /** Events one transaction keys at most: a run that fell far behind (after a failure) goes in such steps. */
    static final int STEP = 10 * ChangeLogTable.HISTORY_BATCH;

    /** Keys at most so many events in a transaction of its own; answers the last revision keyed. */
    interface Step {
        long index(int limit, Keys keys);
    }

    private final Step indexStep;
    private final Executor thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    /**
     * The head at which the next run is due: a batch past the last revision keyed, as this process last saw it, or
     * past the head at which a run failed (so that a failing database is not asked again on every commit).
     */
    private volatile long dueAt = ChangeLogTable.HISTORY_BATCH;

    HistoryIndexer(Step indexStep) {
        this(indexStep, Executors.newSingleThreadExecutor(run -> {
            Thread indexer = new Thread(run, "sirsi-history-indexer");
            indexer.setDaemon(true);
            return indexer;
        }));
    }

    /** {@code thread} runs the steps: the indexer's own, or the committer's in tests. */
    HistoryIndexer(Step indexStep, Executor thread) {
        this.indexStep = indexStep;
        this.thread = thread;
    }

    /** A transaction committed and left the log's head here. */
    void committed(long head) {
        if (head >= dueAt && queued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> run(head));
            } catch (RuntimeException stopped) { // the registry is stopping
                queued.set(false);
            }
        }
    }

    private void run(long head) {
        try {
            long keyed = -1;
            long previous;
            do { // steps while a batch or more is left and each moves the mark
                previous = keyed;
                keyed = step();
            } while (keyed > previous && head - keyed >= ChangeLogTable.HISTORY_BATCH);
            dueAt = keyed + ChangeLogTable.HISTORY_BATCH;
        } catch (RuntimeException e) {
            dueAt = head + ChangeLogTable.HISTORY_BATCH;
            LOG.warnf("Could not write the change log's history keys (%s); history queries by service or port read"
                    + " the events not yet keyed from the log until a later try succeeds, after %d more events",
                    e.getMessage(), ChangeLogTable.HISTORY_BATCH);
        } finally {
            queued.set(false);
        }
    }

    private long step() {
        try {
            return indexStep.index(STEP, Keys.NONE_PAST_THE_MARK);
        } catch (StoreConflictException conflict) {
            if (!StoreTransactions.duplicateKey(conflict)) {
                throw conflict; // a lost race: the run fails and is tried again a batch later
            }
            LOG.warnf("Some history keys past the last revision keyed exist already (%s); keying again, skipping"
                    + " those", conflict.getCause().getMessage()); // the database's words, not the client's
            try {
                return indexStep.index(STEP, Keys.SOME_PAST_THE_MARK);
            } catch (RuntimeException again) {
                again.addSuppressed(conflict);
                throw again;
            }
        }
    }

    /** Lets a run in progress end, for a few seconds; the next start keys what is left. */
    @Override
    public void close() {
        if (thread instanceof ExecutorService own) {
            own.shutdown();
            try {
                own.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
