package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Optional;

/**
 * A PostgreSQL database shared by several registry processes ({@code sirsi.ports.store=postgresql}): per-host
 * advisory locks serialise their changes, transactions run at READ COMMITTED unless a snapshot is asked for.
 */
final class PostgresqlDialect implements Dialect {

    /**
     * First key of the two-key advisory lock that serialises the changes of one host across replicas; the second
     * key is the hash of the host name. A namespace of our own keeps clear of single-key advisory locks (the
     * schema migration's, another application's) on the same database.
     */
    private static final int HOST_LOCK_NAMESPACE = 0x51e5;
    /** Key of the advisory lock replicas take while they migrate; clear of the per-host locks' two-key space. */
    private static final long MIGRATION_LOCK = 0x51e5_5c4e_3a00L;

    private final Optional<String> url;
    private final Instance<AgroalDataSource> dataSources;

    PostgresqlDialect(Optional<String> url, Instance<AgroalDataSource> dataSources) {
        this.url = url;
        this.dataSources = dataSources;
    }

    @Override
    public boolean roundTripPerStatement() {
        return true;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Instance<AgroalDataSource> dataSources() {
        return dataSources;
    }

    @Override
    public void prepare() {
    }

    @Override
    public void release() {
    }

    /** Without the query string, which may carry a password. */
    @Override
    public String location() {
        return url.map(value -> value.replaceFirst("\\?.*", "")).orElse("the postgresql datasource");
    }

    @Override
    public String openFailure(Throwable failure, String rootMessage) {
        return "cannot open the database at " + location() + ": " + rootMessage;
    }

    /** PostgreSQL has no database-wide write lock: rows and the hosts' advisory locks serialise writers. */
    @Override
    public WriteTurn beginWithWriteLock(Connection connection) {
        return WriteTurn.NONE;
    }

    /**
     * Held until commit or rollback. The transaction runs at READ COMMITTED (PostgreSQL's default), so every
     * statement after this one, in the same exchange or later, sees what the previous holder of the lock committed.
     *
     * <p>The transaction's statements run on generic plans: PostgreSQL kept planning the catch-up read (the events
     * after a revision) anew for every group, about 140 µs inside the hosts' locks, because a generic plan's estimate
     * for {@code revision > $1} is a third of the log and so looked dearer than a custom one. The writer's statements
     * are all a key's lookups or an array's rows, whose plan does not depend on the values; {@code set local} ends
     * with the transaction, so no other query of the connection is planned so (issue 23: the read's bind 140 µs to
     * 30 in PostgreSQL's statement log; two replicas' cycles moved by less than a run can tell).
     */
    @Override
    public void lockHosts(Exchange opening, Collection<String> sortedHosts) {
        opening.update("set local plan_cache_mode = force_generic_plan", (statement, first) -> { });
        // every host of the group in one statement (issue 23): unnest yields the hosts in the array's order, so the
        // locks are still taken in sorted order, and two groups can never wait for each other
        opening.query("select pg_advisory_xact_lock(?, hashtext(host)) from unnest(?::text[]) as host",
                (lock, first) -> {
                    lock.setInt(first, HOST_LOCK_NAMESPACE);
                    RowMapping.bindStrings(lock, first + 1, sortedHosts);
                }, rows -> { });
    }

    /** Class 08, a connection exception: pgjdbc's for a socket that failed or timed out (08006) among them. */
    @Override
    public boolean commitOutcomeLost(SQLException failure) {
        String state = failure.getSQLState();
        return state != null && state.startsWith("08");
    }

    /**
     * The driver then finds the transaction ended (the server says so as the exchange ends), and the template's
     * commit is a no-op; a failed statement before it leaves the transaction failed, and the server skips the
     * commit, so the template rolls back as ever. One round trip less inside the hosts' locks (issue 23).
     */
    @Override
    public void commitWith(Exchange exchange) {
        exchange.update("commit", (statement, first) -> { });
    }

    /** READ COMMITTED would give each statement a snapshot of its own: REPEATABLE READ for the work. */
    @Override
    public <T> T inSnapshot(StoreTransaction transaction, SqlWork<T> work) throws SQLException {
        Connection connection = transaction.connection();
        int isolation = connection.getTransactionIsolation();
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            return work.run(transaction);
        } finally {
            connection.commit(); // isolation may only change between transactions
            connection.setTransactionIsolation(isolation);
        }
    }

    /** Commits a transaction that has an id, which writes PostgreSQL's WAL. */
    @Override
    public void probeWrite(Connection connection) throws SQLException {
        try (PreparedStatement probe = connection.prepareStatement("select txid_current()")) {
            probe.execute();
        }
    }

    @Override
    public void lockForMigration(Statement statement) throws SQLException {
        statement.execute("select pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
    }

    @Override
    public String clusteredTable() {
        return "";
    }

    @Override
    public String installedOnColumn() {
        return "timestamp not null default now()";
    }
}
