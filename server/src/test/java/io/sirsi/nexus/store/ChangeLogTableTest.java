package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqlite.ProgressHandler;

/**
 * The prune the scheduler runs every minute holds SQLite's write lock, so every registration waits for it: it must
 * not read the whole log to find that nothing is old enough (it did: 117 ms at 600,000 events, found as a write
 * stall once a minute in issue 23's tenth session), and a long prune goes in chunks.
 */
class ChangeLogTableTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final int EVENTS = 100_000;
    /** SQLite calls the progress handler after every this many virtual machine instructions. */
    private static final int INSTRUCTIONS_PER_CALL = 100;

    private final ChangeLogTable changeLog = new ChangeLogTable(false);
    private Connection database;
    private StoreTransaction transaction;

    @BeforeEach
    void logOfRecentEvents() throws SQLException {
        database = MigratedSqlite.open();
        transaction = new StoreTransaction(database);
        // one event a millisecond, the last one now: all of them well within the retention
        try (PreparedStatement insert = database.prepareStatement("with recursive n(i) as (select 1 union all"
                + " select i + 1 from n where i < ?) insert into change_event (revision, type, at, allocation_id,"
                + " host, port, service_name, service_type, allocated_at, last_heartbeat, status)"
                + " select i, 'allocated', ? + i, 'id-' || i, 'local', 2000 + i % 60000,"
                + " 'service-' || (i * 7919 % 5003), 'custom', 0, 0, 'active' from n")) {
            insert.setInt(1, EVENTS);
            insert.setLong(2, NOW.toEpochMilli() - EVENTS);
            insert.executeUpdate();
        }
        try (PreparedStatement head = database.prepareStatement("update change_log_head set revision = ?")) {
            head.setLong(1, EVENTS);
            head.executeUpdate();
        }
        database.commit();
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void aPruneWithNothingToDeleteReadsNoMoreThanAFewEntries() throws SQLException {
        AtomicLong instructions = new AtomicLong();
        ProgressHandler.setHandler(database, INSTRUCTIONS_PER_CALL, new ProgressHandler() {
            @Override
            protected int progress() {
                instructions.addAndGet(INSTRUCTIONS_PER_CALL);
                return 0;
            }
        });
        try {
            assertEquals(0, changeLog.prune(transaction, NOW.minus(RETENTION), 1_000_000, 5_000));
        } finally {
            ProgressHandler.clearHandler(database);
        }
        // walking the revision key of 100,000 events took 400,000 instructions
        assertTrue(instructions.get() < 10_000,
                instructions.get() + " SQLite instructions to find nothing to prune in " + EVENTS + " events");
        assertEquals(1, changeLog.oldest(transaction));
        assertEquals(EVENTS, count());
    }

    @Test
    void aLongPruneGoesInChunksOldestFirst() throws SQLException {
        int chunk = 30_000;
        assertEquals(chunk, changeLog.prune(transaction, NOW.minus(RETENTION), 10, chunk));
        assertEquals(chunk + 1, changeLog.oldest(transaction));
        assertEquals(EVENTS - chunk, count());
        assertEquals(chunk + 1, first());

        long left = EVENTS - chunk - 10;
        assertEquals(chunk, changeLog.prune(transaction, NOW.minus(RETENTION), 10, chunk));
        assertEquals(chunk, changeLog.prune(transaction, NOW.minus(RETENTION), 10, chunk));
        assertEquals(left - 2 * chunk, changeLog.prune(transaction, NOW.minus(RETENTION), 10, chunk));
        assertEquals(0, changeLog.prune(transaction, NOW.minus(RETENTION), 10, chunk));
        assertEquals(10, count(), "the newest ten are kept");
        assertEquals(EVENTS - 9, changeLog.oldest(transaction));
        assertEquals(EVENTS, changeLog.head(transaction));
    }

    @Test
    void eventsOlderThanTheRetentionGoWhateverTheCount() throws SQLException {
        Instant olderThan = NOW.minusMillis(EVENTS / 4); // the first three quarters are older
        long older = EVENTS - EVENTS / 4 - 1;
        int pruned = 0;
        int deleted;
        do {
            deleted = changeLog.prune(transaction, olderThan, 1_000_000, 5_000);
            pruned += deleted;
        } while (deleted == 5_000);
        assertEquals(older, pruned);
        assertEquals(older + 1, changeLog.oldest(transaction));
        assertEquals(older + 1, first());
    }

    private long count() throws SQLException {
        return single("select count(*) from change_event");
    }

    private long first() throws SQLException {
        return single("select min(revision) from change_event");
    }

    private long single(String sql) throws SQLException {
        try (PreparedStatement select = database.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
