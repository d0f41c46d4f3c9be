package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.inject.Instance;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded SQLite file of one registry process, in {@code sirsi.ports.data-dir}: one writer at a time for the
 * whole database, transactions that are snapshots, a data directory of its own ({@link SqliteDataDirectory}).
 */
final class SqliteDialect implements Dialect {

    private static final int SQLITE_READONLY = 8;

    private final SqliteDataDirectory dataDirectory;
    private final Instance<AgroalDataSource> dataSources;
    /** This process's writers, queued fairly for SQLite's one write lock ({@link #beginWithWriteLock}). */
    private final ReentrantLock writers = new ReentrantLock(true);

    SqliteDialect(String dataDir, Instance<AgroalDataSource> dataSources) {
        this.dataDirectory = new SqliteDataDirectory(dataDir);
        this.dataSources = dataSources;
    }

    @Override
    public boolean roundTripPerStatement() {
        return false;
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public Instance<AgroalDataSource> dataSources() {
        return dataSources;
    }

    @Override
    public void prepare() {
        dataDirectory.prepare();
    }

    @Override
    public void release() {
        dataDirectory.unlock();
    }

    @Override
    public String location() {
        return dataDirectory.database().toString();
    }

    /**
     * A database another process holds cannot be opened at all: the {@code unix-excl} VFS keeps the file for the
     * process that opened it, so each connection of the pool fails with SQLITE_BUSY and the pool gives up with a
     * timeout that names nothing. With the data directory locked, that happens only when another registry runs on it
     * and its {@code registry.lock} was removed or replaced; the file is sound, and restoring it from a backup, as
     * the general advice says, would split the data while the other registry lives.
     */
    @Override
    public String openFailure(Throwable failure, String rootMessage) {
        if (busy(failure) || heldByAnotherProcess()) {
            return "another registry process holds the database " + location() + " (its "
                    + SqliteDataDirectory.LOCK_FILE + " was removed or replaced while it ran): stop that registry"
                    + " before starting this one; the database was left as it is";
        }
        return "cannot open the database at " + location() + ": " + rootMessage + "; the file was left as it is:"
                + " restore it from a backup, or move it away to start with no allocations";
    }

    /**
     * Asks SQLite itself, on a connection of its own that reads nothing and waits for nothing: a file another
     * process holds refuses even that with SQLITE_BUSY. Only after a failed open, so it costs a good start nothing.
     */
    private boolean heldByAnotherProcess() {
        if (!Files.isRegularFile(dataDirectory.database())) {
            return false;
        }
        String url = "jdbc:sqlite:file:" + location() + "?vfs=unix-excl&mode=ro&busy_timeout=0";
        try (Connection probe = JDBC.createConnection(url, new Properties());
                Statement statement = probe.createStatement()) {
            statement.execute("select count(*) from sqlite_master");
            return false;
        } catch (SQLException e) {
            return busy(e);
        }
    }

    private static boolean busy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLiteException sqlite
                    && (sqlite.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code) {
                return true;
            }
        }
        return false;
    }

    /**
     * After this process's writers before it, in the order they asked, and for no longer than the connection's busy
     * timeout: SQLite admits one writer at a time, and the others wait in its busy handler, which sleeps and tries
     * again (after 1, 2, 5 ... up to 100 ms). A writer that ends a transaction and begins the next at once takes the
     * lock again before a sleeper wakes: the change log's prune, a loop of short transactions, kept the registry's
     * writer out for two seconds that way (issue 23, tenth session). Queued here, each writer gets its turn as the
     * one before lets go. Other processes (none shares a data directory) still meet the busy handler.
     */
    @Override
    public WriteTurn beginWithWriteLock(Connection connection) throws SQLException {
        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
        try {
            if (!writers.tryLock(sqlite.getBusyTimeout(), TimeUnit.MILLISECONDS)) {
                throw new SQLiteException("[SQLITE_BUSY] The database file is locked: this process's other writers"
                        + " held it for " + sqlite.getBusyTimeout() + " ms", SQLiteErrorCode.SQLITE_BUSY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLiteException("[SQLITE_INTERRUPT] interrupted while waiting to write",
                    SQLiteErrorCode.SQLITE_INTERRUPT);
        }
        SQLiteConnectionConfig mode = sqlite.getConnectionConfig();
        mode.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return new WriteTurn() {
            @Override
            public void beforeEnd() {
                mode.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED); // the driver begins the next at commit
            }

            /** Undone here too, for a begin that failed: the connection goes back to the pool deferred. */
            @Override
            public void close() {
                try {
                    beforeEnd();
                } finally {
                    writers.unlock();
                }
            }
        };
    }

    /** How many of this process's writers wait for their turn now. */
    int writersWaiting() {
        return writers.getQueueLength();
    }

    /** No lock statement: SQLite admits one writer to the whole database at a time. */
    @Override
    public void lockHosts(Exchange opening, Collection<String> sortedHosts) {
    }

    /** The template commits: a statement costs no round trip here. */
    @Override
    public void commitWith(Exchange exchange) {
    }

    /** A SQLite transaction is a snapshot already. */
    @Override
    public <T> T inSnapshot(StoreTransaction transaction, SqlWork<T> work) throws SQLException {
        return work.run(transaction);
    }

    /** Rewrites the header's user_version with its own value (the migrations do not use it). */
    @Override
    public void probeWrite(Connection connection) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("pragma user_version");
                ResultSet version = read.executeQuery();
                PreparedStatement write = connection.prepareStatement("pragma user_version = "
                        + (version.next() ? version.getInt(1) : 0))) {
            write.execute();
        }
    }

    /**
     * SQLITE_READONLY (8, and its extended codes): the connection was opened while the file could not be written.
     * The driver reports the primary code or an extended one, whose low byte is the primary.
     */
    @Override
    public boolean connectionOutlivedFault(SQLException failure) {
        return (failure.getErrorCode() & 0xff) == SQLITE_READONLY;
    }

    /** Nothing to take: the migration runs in a {@link Begin#WRITE_LOCK_FIRST} transaction, the one writer. */
    @Override
    public void lockForMigration(Statement statement) {
    }

    @Override
    public String clusteredTable() {
        return "without rowid";
    }

    @Override
    public String installedOnColumn() {
        return "text not null default (strftime('%Y-%m-%d %H:%M:%f','now'))";
    }
}
