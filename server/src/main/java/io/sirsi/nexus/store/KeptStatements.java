package io.sirsi.nexus.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The writer's prepared statements, kept per database connection from one group to the next: a group of one or two
 * changes runs four or five statements, and preparing each anew (SQLite parses and plans it every time) cost more
 * than running it (issue 23). They are prepared on the pool's physical connection, so that they outlive the
 * borrowed handle; a failed write forgets that connection's statements, in case the pool replaces it, and the pool's
 * few connections bound how many are kept.
 */
final class KeptStatements {

    private static final Logger LOG = Logger.getLogger(KeptStatements.class);
    /** More physical connections than any pool here holds: beyond it, the pool replaced some; start afresh. */
    private static final int MAX_CONNECTIONS = 64;

    private final Map<Connection, Statements> byConnection = new IdentityHashMap<>();

    /** The statements of the connection's physical connection, prepared on first use of each SQL text. */
    synchronized Statements of(Connection pooled) throws SQLException {
        Connection physical = pooled.unwrap(Connection.class);
        Statements kept = byConnection.get(physical);
        if (kept == null) {
            if (byConnection.size() >= MAX_CONNECTIONS) {
                forgetAll();
            }
            kept = new Statements(physical);
            byConnection.put(physical, kept);
        }
        return kept;
    }

    /** After a failure on this connection: its statements are closed and prepared again on next use. */
    synchronized void forget(Connection pooled) {
        try {
            close(byConnection.remove(pooled.unwrap(Connection.class)));
        } catch (SQLException unusable) {
            forgetAll(); // cannot tell which: all of them, at the cost of preparing again
        }
    }

    private void forgetAll() {
        byConnection.values().forEach(KeptStatements::close);
        byConnection.clear();
    }

    private static void close(Statements statements) {
        if (statements == null) {
            return;
        }
        try {
            statements.close();
        } catch (SQLException e) {
            LOG.debugf("Closing kept statements failed (the connection is likely gone): %s", e.getMessage());
        }
    }
}
