package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sirsi.nexus.registry.StoreConflictException;
import io.sirsi.nexus.store.ChangeLogTable.Keys;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the history keys are written: once commits take the log's head a batch past the last revision keyed, in
 * steps when far behind, and after a failure not again until another batch has been committed.
 */
class HistoryIndexerTest {

    private static final int BATCH = ChangeLogTable.HISTORY_BATCH;

    /** The log as the indexer's steps see it: its head, and how far the keys go. */
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong keyed = new AtomicLong();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final List<Long> steps = new CopyOnWriteArrayList<>();
    /** Keys past the mark, which a plain step finds in conflict. */
    private final AtomicBoolean keyedPastTheMark = new AtomicBoolean();
    private final AtomicBoolean losingRaces = new AtomicBoolean();
    private final List<Keys> asked = new CopyOnWriteArrayList<>();
    private final HistoryIndexer indexer = new HistoryIndexer((limit, keys) -> {
        asked.add(keys);
        if (failing.get()) {
            throw new IllegalStateException("disk full");
        }
        if (keyedPastTheMark.get() && keys == Keys.NONE_PAST_THE_MARK) {
            throw new StoreConflictException("taken", new SQLException("duplicate key value", "23505"));
        }
        if (losingRaces.get()) {
            throw new StoreConflictException("lost", new SQLException("could not serialize access", "40001"));
        }
        keyed.set(Math.min(head.get(), keyed.get() + limit));
        steps.add(keyed.get());
        return keyed.get();
    }, Runnable::run); // on the committing thread: each step has run when committed() returns

    @AfterEach
    void close() {
        indexer.close();
    }

    private void commit(long newHead) {
        head.set(newHead);
        indexer.committed(newHead);
    }

    @Test
    void keysAreWrittenOnceABatchIsCommittedPastTheLastKeyed() {
        commit(BATCH - 1);
        commit(BATCH - 1);
        assertEquals(List.of(), steps, "less than a batch: the history reads it from the log");
        commit(BATCH + 5);
        assertEquals(List.of((long) BATCH + 5), steps);
        commit(2L * BATCH);
        assertEquals(List.of((long) BATCH + 5), steps, "due a batch past the last revision keyed, not the head");
        commit(2L * BATCH + 5);
        assertEquals(List.of((long) BATCH + 5, 2L * BATCH + 5), steps);
    }

    @Test
    void farBehindItCatchesUpInSteps() {
        commit(3L * HistoryIndexer.STEP + 7);
        assertEquals(List.of((long) HistoryIndexer.STEP, 2L * HistoryIndexer.STEP, 3L * HistoryIndexer.STEP), steps,
                "the last seven, less than a batch, are left to the next run");
    }

    @Test
    void afterAFailureItTriesAgainABatchLater() {
        failing.set(true);
        commit(BATCH);
        failing.set(false);
        commit(BATCH + 1);
        commit(2L * BATCH - 1);
        assertEquals(List.of(), steps, "not asked again on every commit");
        commit(2L * BATCH);
        assertEquals(List.of(2L * BATCH), steps);
    }

    @Test
    void keysPastTheMarkAreSkippedOnlyAfterAPlainStepFoundThem() {
        commit(BATCH);
        assertEquals(List.of(Keys.NONE_PAST_THE_MARK), asked, "plain inserts: the mark's lock leaves none");
        keyedPastTheMark.set(true);
        commit(2L * BATCH);
        assertEquals(List.of((long) BATCH, 2L * BATCH), steps, "keyed all the same");
        assertEquals(List.of(Keys.NONE_PAST_THE_MARK, Keys.NONE_PAST_THE_MARK, Keys.SOME_PAST_THE_MARK), asked);
    }

    @Test
    void aLostRaceIsNotTakenForKeysPastTheMark() {
        losingRaces.set(true);
        commit(BATCH);
        assertEquals(List.of(Keys.NONE_PAST_THE_MARK), asked, "not run again skipping keys: tried a batch later");
        losingRaces.set(false);
        commit(2L * BATCH);
        assertEquals(List.of(2L * BATCH), steps);
    }
}
