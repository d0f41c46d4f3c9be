package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

/**
 * Every difference between the two databases the store runs on, and nothing else: the SQL of the tables, the
 * transaction template and the row mapping are the same for both. {@link SqliteDialect} is the embedded file of one
 * registry process; {@link PostgresqlDialect} a database shared by replicas.
 */
interface Dialect {

    /** Whether other registry processes may change the stored allocations. */
    boolean shared();

    /** The datasource of this database, to resolve on first use: resolving the inactive one fails. */
    Instance<AgroalDataSource> dataSources();

    /** Makes ready what must exist before the first connection; a refusal is a {@code StoreUnavailableException}. */
    void prepare();

    /** Gives up what {@link #prepare} took, so that another registry in this JVM (a test's restart) may take it. */
    void release();

    /** Where the data lives, for logs and health output (never with a password). */
    String location();

    /**
     * The one-line reason a start could not open the database, from the innermost message of the failure and what
     * the operator should do about it.
     */
    String openFailure(Throwable failure, String rootMessage);

    /**
     * Makes the next transaction begun on the connection take the write lock at once (see
     * {@link Begin#WRITE_LOCK_FIRST}), once this process's writers before it have had their turn.
     */
    WriteTurn beginWithWriteLock(Connection connection) throws SQLException;

    /**
     * Whether each statement is a round trip to a server (PostgreSQL), so that writing in fewer statements, in SQL
     * of its own, pays; SQLite runs in the process.
     */
    boolean roundTripPerStatement();

    /**
     * Adds to the transaction's opening exchange the statement that takes, until the transaction ends, the locks
     * that serialise the changes of these hosts across every process sharing the database (nothing where no other
     * process writes); sorted by the caller, so two transactions take them in the same order. A dialect may set the
     * host transaction's own settings there too, ahead of the locks (PostgreSQL: generic plans).
     */
    void lockHosts(Exchange opening, Collection<String> sortedHosts);

    /**
     * Commits the transaction at the end of the exchange, where the exchange is a round trip of its own (and only
     * what it returns says whether the commit happened); elsewhere nothing: the transaction template commits when
     * the work returns, as always. Either way the commit follows the exchange's statements, and a failure of one of
     * them fails the transaction whole.
     */
    void commitWith(Exchange exchange);

    /**
     * Runs reads that must agree with each other in one snapshot: replaying the log from the head revision they read
     * must neither skip nor repeat a change.
     */
    <T> T inSnapshot(StoreTransaction transaction, SqlWork<T> work) throws SQLException;

    /**
     * A write that changes a page and is committed (so fsynced), yet leaves every row as it was: how readiness learns
     * whether the store takes writes again after a failed one.
     */
    void probeWrite(Connection connection) throws SQLException;

    /**
     * Whether the failure says that the connection itself is stuck in a state the fault left it in, and is to be
     * replaced by a new one: SQLite opens a file it cannot write (read-only or immutable at that moment) read-only,
     * for as long as the connection lives, so a connection the pool opened during a storage fault would refuse every
     * write after the fault is over.
     */
    default boolean connectionOutlivedFault(SQLException failure) {
        return false;
    }

    /**
     * Whether the failure of a commit, or of the exchange that carried one, leaves it unknown whether the transaction
     * committed: the connection to a server was lost after the commit may have reached it, and only its answer was
     * lost. Never on SQLite, which commits in the process and says whether it did.
     */
    default boolean commitOutcomeLost(SQLException failure) {
        return false;
    }

    /** Serialises schema migrations of processes starting together, until the transaction ends. */
    void lockForMigration(Statement statement) throws SQLException;

    /**
     * What follows a table's definition to store it as its primary key's b-tree, when its rows are nothing but their
     * key ({@link SchemaMigrations#CLUSTERED}): SQLite's {@code without rowid}, one b-tree a row is written to instead
     * of a table and its key's index; nothing on PostgreSQL, which keeps every table in a heap.
     */
    String clusteredTable();

    /** The column type and default of the migration history's {@code installed_on}, as Flyway writes it. */
    String installedOnColumn();
}
