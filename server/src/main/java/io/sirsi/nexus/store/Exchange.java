package io.sirsi.nexus.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements sent to PostgreSQL in one exchange: one multi-statement prepared statement, which the driver sends as
 * one message per statement and a single sync, so that the whole list costs one round trip (issue 23). The server
 * runs the statements in their order, each as a statement of its own: at READ COMMITTED each takes a snapshot of
 * its own when it starts, so a read after a lock sees what the lock's previous holder committed, and a failure
 * skips the statements after it and fails the transaction, as it would one by one.
 *
 * <p>PostgreSQL's only: SQLite runs in the process, where a statement costs no round trip, and its driver prepares
 * the first statement of a text alone.
 */
final class Exchange {

    /** Binds a statement's parameters, numbered from {@code first} in the joined statement. */
    interface Parameters {
        void bind(PreparedStatement statement, int first) throws SQLException;
    }

    /** Reads the rows a statement returned. */
    interface Rows {
        void read(ResultSet rows) throws SQLException;
    }

    private record Part(String sql, int parameters, Parameters binding, Rows rows) {
    }

    private final List<Part> parts = new ArrayList<>();

    /** Adds a statement that returns rows, which {@code rows} reads once the exchange is sent. */
    void query(String sql, Parameters parameters, Rows rows) {
        add(sql, parameters, rows);
    }

    /** Adds a statement that changes rows and returns none; how many it changed is not asked. */
    void update(String sql, Parameters parameters) {
        add(sql, parameters, null);
    }

    private void add(String sql, Parameters parameters, Rows rows) {
        if (sql.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one statement per part: " + sql);
        }
        parts.add(new Part(sql, (int) sql.chars().filter(c -> c == '?').count(), parameters, rows));
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    /**
     * Sends every statement added, in order, in one round trip, and reads what each returned. The joined statement
     * is prepared once per connection and text ({@link Statements}): a group of the same kinds of writes sends the
     * same text each time.
     */
    void send(Statements statements) throws SQLException {
        if (parts.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        for (Part part : parts) {
            sql.append(sql.length() == 0 ? "" : "; ").append(part.sql());
        }
        PreparedStatement statement = statements.get(sql.toString());
        int parameter = 1;
        for (Part part : parts) {
            part.binding().bind(statement, parameter);
            parameter += part.parameters();
        }
        boolean rows = statement.execute();
        for (Part part : parts) {
            if (rows != (part.rows() != null)) {
                throw new SQLException("the exchange's results do not match its statements: " + sql, "XX000");
            }
            if (rows) {
                try (ResultSet result = statement.getResultSet()) {
                    part.rows().read(result);
                }
            }
            rows = statement.getMoreResults();
        }
        parts.clear();
    }
}
