package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.EventFilter;
import io.sirsi.nexus.registry.HistoryQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The change log: the {@code change_event} table, one row per revision, and {@code change_log_head}, the one row
 * holding the last revision handed out and the oldest one retained; beside them the history keys
 * ({@code service_history}, {@code port_history}) and {@code history_mark}, the last revision keyed.
 */
final class ChangeLogTable {

    private static final String INSERT_EVENT = "insert into change_event (" + RowMapping.EVENT_COLUMNS + ")"
            + " values (?" + ", ?".repeat(RowMapping.EVENT_VALUE_TYPES.length) + ")";
    /**
     * Hands out revisions. On PostgreSQL the update holds the head row's lock until the transaction ends, so a
     * second appender waits for the first to commit: revisions are handed out in commit order, and a reader of
     * {@code revision > N} can never see N + 2 committed while N + 1 is still to come. A sequence would not do:
     * its numbers are taken in start order, not commit order. Taken last in the transaction, after the hosts' locks
     * (always in that order, so no deadlock), it serialises only the append and the commit.
     */
    private static final String ADVANCE_HEAD = "update change_log_head set revision = revision + ? where id = 1"
            + " returning revision";

    /**
     * {@link #ADVANCE_HEAD} and the events' insert as one statement, one round trip where a statement is one
     * (PostgreSQL, issue 23): the events go as one array per column, numbered from the advanced head. The head's
     * lock is taken as in {@link #ADVANCE_HEAD}, by the same update.
     */
    private static final String APPEND_ALL = "with head as (update change_log_head set revision = revision + ?"
            + " where id = 1 returning revision), appended as (insert into change_event (" + RowMapping.EVENT_COLUMNS
            + ") select head.revision - ? + event.number, " + prefixed("event.", RowMapping.EVENT_VALUE_COLUMNS)
            + " from head, unnest(" + RowMapping.arrayParameters(RowMapping.EVENT_VALUE_TYPES)
            + ") with ordinality as event(" + RowMapping.EVENT_VALUE_COLUMNS + ", number)) select revision from head";
    private static final String SELECT_HEAD = headQuery("revision");
    private static final String SELECT_HEAD_AND_MARK = "select head.revision, mark.indexed from change_log_head head,"
            + " history_mark mark where head.id = 1 and mark.id = 1";
    private static final String SELECT_AFTER = eventsQuery("revision > ?", "revision");
    private static final String EVENT_COLUMNS_OF_E = prefixed("e.", RowMapping.EVENT_COLUMNS);
    /**
     * Events between two writes of their history keys ({@link #indexHistory}): the log's newest rows that a history
     * query by service or port reads one by one, at most about this many.
     */
    static final int HISTORY_BATCH = 1_000;

    private final boolean appendInOneStatement;

    /**
     * {@code appendInOneStatement}: with {@link #APPEND_ALL}, PostgreSQL's SQL, in the group's {@link Exchange},
     * rather than two statements run at once.
     */
    ChangeLogTable(boolean appendInOneStatement) {
        this.appendInOneStatement = appendInOneStatement;
    }

    private static String prefixed(String prefix, String columns) {
        return prefix + String.join(", " + prefix, columns.split(", "));
    }

    /** The last revision handed out (0 for an empty log). */
    long head(StoreTransaction transaction) throws SQLException {
        return headColumn(transaction.connection(), "revision");
    }

    /** The oldest revision retained. */
    long oldest(StoreTransaction transaction) throws SQLException {
        return headColumn(transaction.connection(), "oldest");
    }

    private static long headColumn(Connection connection, String column) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(headQuery(column));
                ResultSet rows = select.executeQuery()) {
            return single(rows);
        }
    }

    private static String headQuery(String column) {
        return "select " + column + " from change_log_head where id = 1";
    }

    /**
     * Appends the events with consecutive revisions, after the batch's other writes; the answer, once the exchange
     * is sent, is the first revision, or the head when there are none. On SQLite the statements run at once; with
     * {@code appendInOneStatement} they are one statement in the exchange.
     */
    LongSupplier append(StoreTransaction transaction, Statements statements, Exchange exchange,
            List<ChangeEvent> events) throws SQLException {
        if (appendInOneStatement) {
            long[] head = {-1};
            Exchange.Rows readHead = rows -> head[0] = single(rows);
            if (events.isEmpty()) {
                exchange.query(SELECT_HEAD, (statement, first) -> { }, readHead);
                return () -> head[0];
            }
            List<Object[]> rows = events.stream().map(RowMapping::eventValues).toList();
            exchange.query(APPEND_ALL, (statement, first) -> {
                statement.setInt(first, events.size());
                statement.setInt(first + 1, events.size());
                RowMapping.bindArrays(statement, first + 2, RowMapping.EVENT_VALUE_TYPES, rows);
            }, readHead);
            return () -> head[0] - events.size() + 1;
        }
        if (events.isEmpty()) {
            long head = head(transaction);
            return () -> head;
        }
        PreparedStatement advance = statements.get(ADVANCE_HEAD);
        advance.setInt(1, events.size());
        long first;
        // the new head comes back with the update: one statement rather than two
        try (ResultSet head = advance.executeQuery()) {
            first = single(head) - events.size() + 1;
        }
        PreparedStatement insert = statements.get(INSERT_EVENT);
        for (int i = 0; i < events.size(); i++) {
            RowMapping.bindEvent(insert, first + i, events.get(i));
            insert.addBatch();
        }
        insert.executeBatch();
        return () -> first;
    }

    /** The head row's one value. */
    private static long single(ResultSet head) throws SQLException {
        return onHeadRow(head).getLong(1);
    }

    /** The rows read from the head, on its one row. */
    private static ResultSet onHeadRow(ResultSet head) throws SQLException {
        if (!head.next()) {
            throw new SQLException("the change log's head row is missing", "58000");
        }
        return head;
    }

    List<ChangeEvent> after(StoreTransaction transaction, long revision, int limit) throws SQLException {
        return events(transaction, "revision > ?", "revision", limit, List.of(revision));
    }

    /** {@link #after}, read in the exchange, handed to {@code read} once it is sent. */
    void after(Exchange exchange, long revision, int limit, Consumer<List<ChangeEvent>> read) {
        exchange.query(SELECT_AFTER, (statement, first) -> {
            statement.setLong(first, revision);
            statement.setInt(first + 1, limit);
        }, rows -> read.accept(readEvents(rows)));
    }

    /** A range of the primary key: each page starts where the last one ended, whatever the window's length. */
    List<ChangeEvent> ofHost(StoreTransaction transaction, String host, long first, long last, int limit)
            throws SQLException {
        return events(transaction, "revision >= ? and revision <= ? and host = ?", "revision", limit,
                List.of(first, last, host));
    }

    /**
     * Newest first. By service or by port, the keys written behind the log ({@link #indexHistory}) find the events up
     * to the last revision they hold, and the events after it are read from the log itself, newest first: the few
     * not yet keyed, a scan of at most about {@link #HISTORY_BATCH} of the newest rows, read first since they are the
     * newest. Other queries read the log in revision order.
     */
    List<ChangeEvent> history(Statements statements, HistoryQuery query) throws SQLException {
        return history(statements, query, () -> headAndMark(statements).mark());
    }

    /**
     * {@link #history(Statements, HistoryQuery)}, given the last revision keyed as it stands in this transaction
     * (what {@link #indexHistory} answered), where a query by service or port would read it again.
     */
    List<ChangeEvent> history(Statements statements, HistoryQuery query, long mark) throws SQLException {
        return history(statements, query, () -> mark);
    }

    private List<ChangeEvent> history(Statements statements, HistoryQuery query, Mark mark) throws SQLException {
        EventFilter filter = query.filter();
        // by service when asked, else by port; the other, if both are asked, is a condition like the rest
        Optional<HistoryKey> key = filter.serviceName().map(name -> new HistoryKey("service_history", "service_name",
                name)).or(() -> filter.port().map(port -> new HistoryKey("port_history", "port", port)));
        List<String> where = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (key.isEmpty()) {
            filter.serviceName().ifPresent(name -> condition(where, values, "e.service_name = ?", name));
        }
        if (key.isEmpty() || filter.serviceName().isPresent()) {
            filter.port().ifPresent(port -> condition(where, values, "e.port = ?", port));
        }
        filter.host().ifPresent(host -> condition(where, values, "e.host = ?", host));
        filter.serviceType().ifPresent(type -> condition(where, values, "e.service_type = ?", type.wireName()));
        query.from().ifPresent(from -> condition(where, values, "e.at >= ?", from.toEpochMilli()));
        query.to().ifPresent(to -> condition(where, values, "e.at <= ?", to.toEpochMilli()));
        String also = where.stream().map(condition -> " and " + condition).collect(Collectors.joining());
        if (key.isEmpty()) {
            return events(statements, "select " + EVENT_COLUMNS_OF_E + " from change_event e"
                    + " where 1 = 1" + also + " order by e.revision desc limit ?", values, query.limit());
        }
        HistoryKey by = key.get();
        // Read once, the mark splits the events between the keys (up to it: keys of a revision once written stay until
        // the prune) and the log (after it): each part is stable whenever it is read, so the two reads need no shared
        // snapshot (PostgreSQL's READ COMMITTED gives each statement its own) and an event is found exactly once.
        // Two plain queries merged here cost SQLite less than one union with its co-routines (sticky placement runs
        // one on every allocation, issue 23).
        List<Object> parameters = new ArrayList<>();
        parameters.add(by.value());
        parameters.add(mark.read());
        parameters.addAll(values);
        List<ChangeEvent> found = new ArrayList<>(events(statements, "select " + EVENT_COLUMNS_OF_E
                + " from change_event e where e." + by.column() + " = ? and e.revision > ?" + also
                + " order by e.revision desc limit ?", parameters, query.limit()));
        if (found.size() < query.limit()) {
            found.addAll(events(statements, "select " + EVENT_COLUMNS_OF_E + " from " + by.table() + " k"
                    + " join change_event e on e.revision = k.revision where k." + by.column() + " = ?"
                    + " and k.revision <= ?" + also + " order by k.revision desc limit ?", parameters,
                    query.limit() - found.size()));
        }
        return found;
    }

    /** The last revision keyed, read only by a query that needs it. */
    private interface Mark {
        long read() throws SQLException;
    }

    /** The log's head, and the last revision keyed. */
    private record HeadAndMark(long head, long mark) {
    }

    private static HeadAndMark headAndMark(Statements statements) throws SQLException {
        try (ResultSet rows = statements.get(SELECT_HEAD_AND_MARK).executeQuery()) {
            return new HeadAndMark(onHeadRow(rows).getLong(1), rows.getLong(2));
        }
    }

    /** What {@link #indexHistory} may find among the keys of the events past the mark. */
    enum Keys {
        /** None, as the mark's lock guarantees: plain inserts. */
        NONE_PAST_THE_MARK(""),
        /** Some perhaps: those are skipped. */
        SOME_PAST_THE_MARK(" on conflict do nothing");

        private final String clause;

        Keys(String clause) {
            this.clause = clause;
        }
    }

    /** The table of keys a history query by service or by port reads, its column, and the value asked for. */
    private record HistoryKey(String table, String column, Object value) {
    }

    private static void condition(List<String> where, List<Object> values, String sql, Object value) {
        where.add(sql);
        values.add(value);
    }

    /**
     * Writes the history keys of the events after the last revision keyed, up to the head and at most {@code limit}
     * of them, and moves the mark; returns how far the keys now go. Several processes may do it at once (replicas):
     * the writer of keys holds the mark's row lock first, so keys are written by one transaction at a time and none
     * waits for another's keys while holding that lock (which would deadlock with it), and the mark only moves
     * forward. The mark's row is not the head's: appends of events never wait for a batch of keys (V9). With nothing
     * to key it reads and takes no lock. On PostgreSQL the head read is committed, so every event up to it is too.
     *
     * <p>Since the keys past the mark are written only under its lock, with the mark moved in the same transaction,
     * none exists yet: {@link Keys#NONE_PAST_THE_MARK} inserts them plainly, and a key that does exist (a database
     * edited by hand) fails the statement with a constraint error. {@link Keys#SOME_PAST_THE_MARK} skips the keys that
     * exist, at a price: PostgreSQL inserted a batch's keys in half the time without {@code on conflict do nothing}
     * (its check of the key before each row and the speculative insertion after), and the keys were a third of its
     * statements' time under two replicas' registrations (issue 23, seventeenth session).
     */
    long indexHistory(StoreTransaction transaction, Statements statements, int limit, Keys keys)
            throws SQLException {
        HeadAndMark read = headAndMark(statements);
        if (read.head() <= read.mark()) {
            return read.mark();
        }
        statements.get("update history_mark set indexed = indexed where id = 1").executeUpdate();
        read = headAndMark(statements); // what the lock's last holder committed
        long indexed = read.mark();
        long upTo = Math.min(read.head(), indexed + limit);
        if (upTo <= indexed) {
            return indexed;
        }
        for (String table : List.of("service_history (service_name, revision) select service_name",
                "port_history (port, revision) select port")) {
            PreparedStatement insert = statements.get("insert into " + table + ", revision from change_event"
                    + " where revision > ? and revision <= ?" + keys.clause);
            insert.setLong(1, indexed);
            insert.setLong(2, upTo);
            insert.executeUpdate();
        }
        PreparedStatement update = statements.get(
                "update history_mark set indexed = ? where id = 1 and indexed < ?");
        update.setLong(1, upTo);
        update.setLong(2, upTo);
        update.executeUpdate();
        transaction.wrote(true);
        return upTo;
    }

    private static List<ChangeEvent> events(StoreTransaction transaction, String where, String order, int limit,
            List<Object> values) throws SQLException {
        try (Statements once = new Statements(transaction.connection())) {
            return events(once, eventsQuery(where, order), values, limit);
        }
    }

    /** The events the query selects, its parameters the values and then the limit. */
    private static List<ChangeEvent> events(Statements statements, String sql, List<Object> values, int limit)
            throws SQLException {
        PreparedStatement select = statements.get(sql);
        int index = 1;
        for (Object value : values) {
            select.setObject(index++, value);
        }
        select.setInt(index, limit);
        try (ResultSet rows = select.executeQuery()) {
            return readEvents(rows);
        }
    }

    private static String eventsQuery(String where, String order) {
        return "select " + RowMapping.EVENT_COLUMNS + " from change_event where " + where + " order by " + order
                + " limit ?";
    }

    private static List<ChangeEvent> readEvents(ResultSet rows) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>();
        while (rows.next()) {
            events.add(RowMapping.readEvent(rows));
        }
        return events;
    }

    /** Two lookups on the time index rather than "order by at, revision", which would sort the whole window. */
    Optional<Long> firstRevisionAt(StoreTransaction transaction, Instant at) throws SQLException {
        Connection connection = transaction.connection();
        Optional<Long> first = single(connection, "select min(at) from change_event where at >= ?",
                at.toEpochMilli());
        if (first.isEmpty()) {
            return Optional.empty();
        }
        return single(connection, "select min(revision) from change_event where at = ?", first.get());
    }

    private static Optional<Long> single(Connection connection, String sql, long value) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, value);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                long found = rows.getLong(1);
                return rows.wasNull() ? Optional.empty() : Optional.of(found);
            }
        }
    }

    /**
     * Deletes the history keys of the events up to the revision (the prune's chunk), each by its key, in one batch per
     * table: a delete of the keys by revision would read every key of the table, and so, planned as a join, does
     * PostgreSQL's for a set of keys of a thousand events.
     */
    private static void deleteHistoryKeys(Connection connection, long upTo) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select service_name, port, revision from change_event where revision <= ?");
                PreparedStatement services = connection.prepareStatement(
                        "delete from service_history where service_name = ? and revision = ?");
                PreparedStatement ports = connection.prepareStatement(
                        "delete from port_history where port = ? and revision = ?")) {
            select.setLong(1, upTo);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    services.setString(1, rows.getString(1));
                    services.setLong(2, rows.getLong(3));
                    services.addBatch();
                    ports.setInt(1, rows.getInt(2));
                    ports.setLong(2, rows.getLong(3));
                    ports.addBatch();
                }
            }
            services.executeBatch();
            ports.executeBatch();
        }
    }

    /**
     * Deletes the events older than the time and the oldest beyond the count (never the head row), at most
     * {@code chunk} of them, the oldest first: the caller repeats it, each time in a transaction of its own, so that
     * a long prune never holds the write lock for long. It reads before it writes, so it must run in a transaction
     * begun with {@link Begin#WRITE_LOCK_FIRST}.
     */
    int prune(StoreTransaction transaction, Instant olderThan, long maxEvents, int chunk) throws SQLException {
        Connection connection = transaction.connection();
        long head = head(transaction);
        long oldest = oldest(transaction);
        long cutoff = head - maxEvents;
        // "revision + 0", not "revision": SQLite answers max(revision) by walking the revision key down from the
        // head until a row matches, which is the whole log when nothing is old enough (most prunes), under the
        // write lock: every write stalled for 117 ms once a minute at 600,000 events. Over an expression it reads
        // the time index's matching entries instead, none or the few about to go.
        try (PreparedStatement select = connection.prepareStatement(
                "select max(revision + 0) from change_event where at < ?")) {
            select.setLong(1, olderThan.toEpochMilli());
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    cutoff = Math.max(cutoff, rows.getLong(1));
                }
            }
        }
        cutoff = Math.min(cutoff, oldest + chunk - 1);
        if (cutoff < oldest) {
            return 0;
        }
        deleteHistoryKeys(connection, cutoff);
        int deleted;
        try (PreparedStatement delete = connection.prepareStatement("delete from change_event where revision <= ?")) {
            delete.setLong(1, cutoff);
            deleted = delete.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement(
                "update change_log_head set oldest = ? where id = 1 and oldest < ?")) {
            update.setLong(1, cutoff + 1);
            update.setLong(2, cutoff + 1);
            update.executeUpdate();
        }
        return deleted;
    }
}
