package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
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

    private final SqliteDataDirectory dataDirectory;
    private final Instance<AgroalDataSource> dataSources;

    SqliteDialect(String dataDir, Instance<AgroalDataSource> dataSources) {
        this.dataDirectory = new SqliteDataDirectory(dataDir);
        this.dataSources = dataSources;
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
     * A database another process holds is refused with SQLITE_BUSY: the {@code unix-excl} VFS keeps the file for the
     * process that opened it. With the data directory locked, that happens only when another registry runs on it
     * and its {@code registry.lock} was removed or replaced; the file is sound, and restoring it would split the data.
     */
    @Override
    public String openFailure(Throwable failure, String rootMessage) {
        if (busy(failure)) {
            return "another registry process holds the database " + location() + " (its " + SqliteDataDirectory.LOCK_FILE
                    + " was removed or replaced while it ran, so it could not say so): stop that registry before"
                    + " starting this one; the database is left as it is";
        }
        return "cannot open the database at " + location() + ": " + rootMessage + "; the file was left as it is:"
                + " restore it from a backup, or move it away to start with no allocations";
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

    @Override
    public Runnable beginWithWriteLock(Connection connection) throws SQLException {
        SQLiteConnectionConfig mode = connection.unwrap(SQLiteConnection.class).getConnectionConfig();
        mode.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return () -> mode.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
    }

    /** No lock statement: SQLite admits one writer to the whole database at a time. */
    @Override
    public void lockHosts(Connection connection, Collection<String> sortedHosts) {
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

    /** Nothing to take: the migration runs in a {@link Begin#WRITE_LOCK_FIRST} transaction, the one writer. */
    @Override
    public void lockForMigration(Statement statement) {
    }

    @Override
    public String installedOnColumn() {
        return "text not null default (strftime('%Y-%m-%d %H:%M:%f','now'))";
    }
}
