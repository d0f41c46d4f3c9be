package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.pool.wrapper.ConnectionWrapper;
import io.sirsi.nexus.registry.LogThrottle;
import io.sirsi.nexus.registry.StoreConflictException;
import io.sirsi.nexus.registry.StoreOutcomeUnknownException;
import io.sirsi.nexus.registry.StoreUnavailableException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The transaction template: work runs in one transaction that commits whole, or rolls back and throws having
 * changed nothing (or, when the connection to a database server was lost as it committed, throws
 * {@link StoreOutcomeUnknownException}); and the one translation of the database's errors into the store's exceptions.
 */
final class StoreTransactions {

    private static final Logger LOG = Logger.getLogger(StoreTransactions.class);
    /** PostgreSQL's codes for a transaction that lost a race and may simply be retried. */
    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");

    private final Dialect dialect;
    private final WriteHealth writeHealth;
    private volatile AgroalDataSource dataSource;

    /**
     * A store that is down fails every write and every scheduled job's every second: each kind of failure is an
     * ERROR once a minute, the next saying how many were held back, rather than a line per request.
     */
    private final LogThrottle failures = new LogThrottle(InstantSource.system(), Duration.ofMinutes(1), 64);

    StoreTransactions(Dialect dialect, WriteHealth writeHealth) {
        this.dialect = dialect;
        this.writeHealth = writeHealth;
    }

    /**
     * Runs the work in a transaction of its own, begun as {@code begin} says. A transaction that wrote tells
     * {@link WriteHealth} whether it committed (see {@link StoreTransaction#wrote}).
     */
    <T> T run(String what, Begin begin, SqlWork<T> work) {
        return run(what, begin, work, true);
    }

    /**
     * As {@link #run}, for the health check's own transactions: their failure is the store's health, which the
     * registry logs when it changes ({@code registry/StoreCheck}), not on every probe.
     */
    <T> T runUnlogged(String what, Begin begin, SqlWork<T> work) {
        return run(what, begin, work, false);
    }

    private <T> T run(String what, Begin begin, SqlWork<T> work, boolean logged) {
        StoreTransaction transaction = null;
        try (Connection connection = dataSource().getConnection();
                WriteTurn turn = begin == Begin.WRITE_LOCK_FIRST ? dialect.beginWithWriteLock(connection)
                        : WriteTurn.NONE) { // closed first: after the transaction has ended
            if (begin == Begin.SINGLE_READ) {
                connection.setAutoCommit(true);
                return work.run(new StoreTransaction(connection));
            }
            connection.setAutoCommit(false);
            transaction = new StoreTransaction(connection);
            try {
                T result = work.run(transaction);
                turn.beforeEnd();
                commit(what, connection, logged);
                if (transaction.wrote()) {
                    writeHealth.succeeded();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                retireIfOutlivedFault(connection, e);
                try {
                    turn.beforeEnd();
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed); // the connection is gone; the database discards the work
                }
                restoreAutoCommit(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw failed(transaction, translate(what, e, logged));
        } catch (StoreUnavailableException e) { // translated where the work joined the transaction
            throw failed(transaction, e);
        }
    }

    /**
     * Hands the connection back as the pool lent it. After a failed write SQLite has already ended the transaction,
     * so the pool's own reset, which commits to leave it, failed and logged a WARN for every failed write (and every
     * readiness probe while the store was down); here the failure says nothing new and is dropped.
     */
    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException alreadyEnded) {
            // the transaction was over; the connection is in auto-commit mode now all the same
        }
    }

    /** Commits; a commit whose answer was lost is not a failure that changed nothing. */
    private void commit(String what, Connection connection, boolean logged) {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw commitFailure(what, e, logged);
        }
    }

    /**
     * A connection the fault left refusing writes is destroyed when it goes back to the pool, never handed out again.
     * Only that one: the others are replaced once writes succeed again ({@link WriteHealth}), not during the fault,
     * when closing the last connection that opened the file writable leaves SQLite unable to open it again even for
     * reading (its write-ahead log would need recovering). The pool's own API only flushes all connections, later, on
     * its housekeeping thread; this one is marked at once. Every failure of a transaction comes here, its own or one
     * a joined piece of work translated, while the connection is still held.
     */
    private void retireIfOutlivedFault(Connection connection, Exception failure) {
        Throwable cause = failure instanceof SQLException ? failure : failure.getCause();
        if (cause instanceof SQLException sql && dialect.connectionOutlivedFault(rowFailure(sql))
                && connection instanceof ConnectionWrapper pooled) {
            pooled.getHandler().setFlushOnly();
        }
    }

    /** Only a transaction that wrote says anything about whether the store takes writes. */
    private RuntimeException failed(StoreTransaction transaction, RuntimeException failure) {
        if (transaction != null && transaction.wrote() && failure instanceof StoreUnavailableException unavailable) {
            writeHealth.failed(unavailable);
        }
        return failure;
    }

    /**
     * Runs the work in a transaction already open (a host transaction's), which commits or rolls back at its end;
     * a failure is translated here, and counts for write health when that transaction ends.
     */
    <T> T join(String what, StoreTransaction transaction, SqlWork<T> work) {
        try {
            return work.run(transaction);
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    /**
     * As {@link #join}, for work that ends the transaction with its commit ({@link Dialect#commitWith}): there, a
     * lost connection may have lost only the commit's answer.
     */
    <T> T joinCommitting(String what, StoreTransaction transaction, SqlWork<T> work) {
        try {
            return work.run(transaction);
        } catch (SQLException e) {
            throw commitFailure(what, e, true);
        }
    }

    /** A commit's failure: its outcome lost with the connection, or else as any other failure. */
    private RuntimeException commitFailure(String what, SQLException failure, boolean logged) {
        return dialect.commitOutcomeLost(rowFailure(failure)) ? outcomeUnknown(what, failure)
                : translate(what, failure, logged);
    }

    private StoreOutcomeUnknownException outcomeUnknown(String what, SQLException failure) {
        SQLException e = rowFailure(failure);
        LOG.errorf("Lost %s while committing (%s); the change may or may not have been made: %s (SQL state %s)",
                dialect.location(), what, e.getMessage(), e.getSQLState());
        return new StoreOutcomeUnknownException("the registry lost its connection to its database as it committed"
                + " the change (" + what + "), so the change may or may not have been made: look it up, or ask again"
                + " (an allocation asked for again keeps its port; a release of one already released answers 404)",
                e);
    }

    private RuntimeException translate(String what, SQLException failure) {
        return translate(what, failure, true);
    }

    private RuntimeException translate(String what, SQLException failure, boolean logged) {
        SQLException e = rowFailure(failure);
        String state = Optional.ofNullable(e.getSQLState()).orElse("");
        if (state.startsWith("23") || e.getErrorCode() == 19 /* SQLITE_CONSTRAINT */) {
            return new StoreConflictException("the port or service name was taken at the same moment by another"
                    + " request; retry", e);
        }
        if (RETRYABLE_STATES.contains(state)) {
            return new StoreConflictException("another registry changed the same allocations at the same moment;"
                    + " retry", e);
        }
        if (logged) {
            failures.admit(what).ifPresent(due -> LOG.errorf("Cannot %s in %s: %s (SQL state %s)%s", what,
                    dialect.location(), e.getMessage(), state, due.heldBackText("failures to " + what)));
        }
        return new StoreUnavailableException("the registry cannot " + what
                + ": its database is unavailable; nothing was changed", e);
    }

    /**
     * Whether a store's conflict ({@link #translate}) was a key that exists: PostgreSQL's {@code unique_violation},
     * SQLite's primary key or unique constraint (its bare constraint code when the connection reports no extended
     * codes). Not a lost race (a deadlock, a serialisation failure), which the same exception reports.
     */
    static boolean duplicateKey(StoreConflictException conflict) {
        Throwable cause = conflict.getCause();
        if (cause instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            return code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT;
        }
        return cause instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }

    /**
     * A batch's failure carries the failing row's own error inside it (SQLite's driver as its cause, PostgreSQL's as
     * the next exception): its state says whether it was a lost race.
     */
    private static SQLException rowFailure(SQLException failure) {
        if (failure instanceof BatchUpdateException) {
            if (failure.getNextException() != null) {
                return failure.getNextException();
            }
            if (failure.getCause() instanceof SQLException cause) {
                return cause;
            }
        }
        return failure;
    }

    /**
     * Closes the pool's connections, each in use as soon as it is returned, so that the next ones are opened afresh:
     * after a storage fault, a connection opened during it may stay as the fault left it (see
     * {@link Dialect#connectionOutlivedFault}).
     */
    void replaceConnections(String why) {
        LOG.infof("Opening new connections to %s: %s", dialect.location(), why);
        dataSource().flush(AgroalDataSource.FlushMode.GRACEFUL);
    }

    private AgroalDataSource dataSource() {
        AgroalDataSource resolved = dataSource;
        if (resolved == null) {
            resolved = dialect.dataSources().get();
            dataSource = resolved;
        }
        return resolved;
    }
}
