package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.EventFilter;
import io.sirsi.nexus.registry.HistoryQuery;
import io.sirsi.nexus.registry.StoreConflictException;
import io.sirsi.nexus.store.ChangeLogTable.Keys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The history by service and by port reads keys written behind the log in batches (issue 23), and the events not yet
 * keyed from the log itself: whatever the mark, a query finds every matching event once, newest first. Keys past the
 * mark fail a plain step and are skipped when asked, and the prune takes an event's keys with it. On SQLite always; on
 * PostgreSQL in the suite's PostgreSQL run.
 */
class HistoryKeysTest {

    private static final int EVENTS = 300;

    private final ChangeLogTable changeLog = new ChangeLogTable(false);
    private Connection database;
    private StoreTransaction transaction;
    private Statements statements;

    static List<String> stores() {
        return AllocationTableTest.stores();
    }

    /**
     * Event i: service {@code service-(i % 7)}, port {@code 2000 + i % 5}, on host {@code a} when i is even, else
     * {@code b}; none keyed yet.
     */
    private void open(String store) throws SQLException {
        database = store.equals("postgresql") ? MigratedPostgresql.open() : MigratedSqlite.open();
        transaction = new StoreTransaction(database);
        statements = new Statements(database);
        try (PreparedStatement insert = database.prepareStatement("insert into change_event (revision, type, at,"
                + " allocation_id, host, port, service_name, service_type, allocated_at, last_heartbeat, status)"
                + " values (?, 'allocated', ?, ?, ?, ?, ?, 'custom', 0, 0, 'Active')")) {
            for (int i = 1; i <= EVENTS; i++) {
                insert.setLong(1, i);
                insert.setLong(2, i);
                insert.setString(3, new UUID(0, i).toString());
                insert.setString(4, i % 2 == 0 ? "a" : "b");
                insert.setInt(5, 2000 + i % 5);
                insert.setString(6, "service-" + i % 7);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        execute("update change_log_head set revision = " + EVENTS);
        database.commit();
    }

    @AfterEach
    void close() throws SQLException {
        if (database != null) {
            statements.close();
            database.close();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aQueryFindsEveryEventOnceWhereverTheKeysEnd(String store) throws SQLException {
        open(store);
        int keyed = 0;
        for (int mark : new int[] {0, 40, 299, EVENTS}) {
            assertEquals(mark, index(mark - keyed));
            keyed = mark;
            String at = "keys up to " + mark;
            assertEquals(revisions(i -> i % 7 == 3, 1000), history("service-3", null, null, 1000), at);
            assertEquals(revisions(i -> i % 5 == 4, 1000), history(null, 2004, null, 1000), at);
            assertEquals(revisions(i -> i % 7 == 3 && i % 5 == 1, 1000), history("service-3", 2001, null, 1000), at);
            assertEquals(revisions(i -> i % 7 == 3 && i % 2 == 0, 1000), history("service-3", null, "a", 1000), at);
            assertEquals(revisions(i -> i % 7 == 3, 5), history("service-3", null, null, 5), at);
            assertEquals(revisions(i -> i % 2 == 1, 1000), history(null, null, "b", 1000), at + ", by host alone");
            database.commit();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theMarkMovesAtMostTheLimitAndKeysPastItAreSkippedOnlyWhenAsked(String store) throws SQLException {
        open(store);
        assertEquals(100, index(100));
        assertEquals(200, index(100));
        database.commit();
        // keys past the mark, which only a database edited by hand has: a plain step fails and changes nothing
        execute("update history_mark set indexed = 50");
        database.commit();
        SQLException conflict = assertThrows(SQLException.class, () -> index(1000));
        assertTrue(StoreTransactions.duplicateKey(new StoreConflictException("taken", conflict)),
                "a duplicate key, which the indexer then skips: " + conflict.getMessage());
        database.rollback();
        assertEquals(200, count("select count(*) from service_history"));
        assertEquals(EVENTS, changeLog.indexHistory(transaction, statements, 1000, Keys.SOME_PAST_THE_MARK));
        assertEquals(EVENTS, index(1000), "nothing left to key");
        database.commit();
        assertEquals(EVENTS, count("select count(*) from service_history"));
        assertEquals(EVENTS, count("select count(*) from port_history"));
        assertEquals(revisions(i -> i % 7 == 0, 1000), history("service-0", null, null, 1000));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void thePruneTakesTheKeysOfTheEventsItDeletes(String store) throws SQLException {
        open(store);
        assertEquals(EVENTS, index(1000));
        assertEquals(EVENTS - 100, changeLog.prune(transaction, Instant.EPOCH, 100, 1000));
        database.commit();
        assertEquals(100, count("select count(*) from service_history"));
        assertEquals(100, count("select count(*) from port_history"));
        assertEquals(EVENTS - 99, count("select min(revision) from service_history"));
        assertEquals(revisions(i -> i > EVENTS - 100 && i % 7 == 3, 1000), history("service-3", null, null, 1000));
    }

    /**
     * Replicas key at once: each takes the mark row's lock before it writes a key, so that none holds that lock while
     * it waits for another's keys (a deadlock with it, found by reading the design: a decision keys inside its host
     * transaction, which later takes the head's lock to append). The mark's row is not the head's (V9): keying a
     * batch, milliseconds, does not hold up another replica's append of events, nor does an append hold up the keys.
     */
    @Test
    void onPostgresqlTheKeysAreWrittenUnderTheMarksLockOnly() throws SQLException {
        assumeTrue(MigratedPostgresql.wanted(), "the PostgreSQL run of the suite");
        open("postgresql");
        try (Connection replica = MigratedPostgresql.another();
                PreparedStatement keying = replica.prepareStatement(
                        "update history_mark set indexed = indexed where id = 1")) {
            keying.executeUpdate(); // another replica keying: it holds the mark's lock until it commits
            execute("set lock_timeout = '200ms'");
            SQLException waited = assertThrows(SQLException.class,
                    () -> index(1000));
            assertEquals("55P03", waited.getSQLState(), "it waited for the mark's lock: " + waited.getMessage());
            database.rollback();
            replica.rollback();
        }
        assertEquals(0, count("select count(*) from service_history"), "no key written before the lock");
        try (Connection replica = MigratedPostgresql.another();
                PreparedStatement append = replica.prepareStatement(
                        "update change_log_head set revision = revision where id = 1")) {
            append.executeUpdate(); // another replica's group, appending: it holds the head's lock until it commits
            execute("set lock_timeout = '200ms'");
            assertEquals(EVENTS, index(1000), "an append never waits");
            database.commit();
            replica.rollback();
        }
        assertEquals(EVENTS, count("select count(*) from service_history"));
    }

    /** A step of the history indexer, which expects no key past the mark. */
    private long index(int limit) throws SQLException {
        return changeLog.indexHistory(transaction, statements, limit, Keys.NONE_PAST_THE_MARK);
    }

    /** The revisions of the events matching, newest first, at most {@code limit}. */
    private static List<Long> revisions(LongPredicate matching, int limit) {
        return LongStream.iterate(EVENTS, i -> i >= 1, i -> i - 1).filter(matching).limit(limit).boxed().toList();
    }

    private List<Long> history(String service, Integer port, String host, int limit) throws SQLException {
        EventFilter filter = new EventFilter(Optional.ofNullable(service), Optional.ofNullable(port),
                Optional.ofNullable(host), Optional.empty());
        return changeLog.history(statements, new HistoryQuery(filter, Optional.empty(), Optional.empty(), limit))
                .stream().map(ChangeEvent::revision).toList();
    }

    private void execute(String sql) throws SQLException {
        try (PreparedStatement statement = database.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }

    private long count(String sql) throws SQLException {
        try (PreparedStatement select = database.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
