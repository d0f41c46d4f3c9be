package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.sirsi.nexus.registry.AllocationStore;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.DrainDeadline;
import io.sirsi.nexus.registry.HistoryQuery;
import io.sirsi.nexus.registry.HostTransaction;
import io.sirsi.nexus.registry.Maintenance;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.registry.RegistryConfig.StoreKind;
import io.sirsi.nexus.registry.StoreUnavailableException;
import io.sirsi.nexus.registry.StoreWrite;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The allocation store on a JDBC database, with its schema kept by {@link SchemaMigrations}: the embedded SQLite
 * file by default, or PostgreSQL ({@code sirsi.ports.store=postgresql}) shared by several registry processes. The
 * boundary of the store: it picks the {@link Dialect}, opens each call's transaction ({@link StoreTransactions}),
 * hands it to the tables ({@link AllocationTable}, {@link ChangeLogTable}, {@link LivenessTable}), and tracks
 * whether writes succeed ({@link WriteHealth}).
 *
 * <p>A host transaction is an explicit {@link StoreTransaction} inside the store, and handed to the registry's
 * work as a {@link HostTransaction} that reads and writes in it; the store's own methods always run a transaction
 * of their own.
 */
@ApplicationScoped
public class JdbcAllocationStore implements AllocationStore {

    /** No pool of ours holds more (quarkus.datasource.*.jdbc.max-size: 4 for SQLite, 16 for PostgreSQL). */
    private static final int MAX_POOLED_CONNECTIONS = 16;

    /** Events read ahead with the hosts' locks: as many as a catch-up reads at once. */
    private static final int READ_AHEAD = 1000;

    private final Dialect dialect;
    private final StoreTransactions transactions;
    private final AllocationTable allocations;
    private final ChangeLogTable changeLog;
    private final LivenessTable liveness = new LivenessTable();
    private final MaintenanceTable maintenance = new MaintenanceTable();
    private final HostAddressTable hostAddresses = new HostAddressTable();
    private final WriteHealth writeHealth;
    private final KeptStatements keptStatements = new KeptStatements();
    private final HistoryIndexer historyIndexer;

    /**
     * Both datasources are injected as {@link Instance}s because only the one {@code sirsi.ports.store} names is
     * active, and resolving an inactive one fails; client commands deactivate both and never get here.
     */
    public JdbcAllocationStore(RegistryConfig config,
            @Default Instance<AgroalDataSource> sqlite,
            @DataSource("postgresql") Instance<AgroalDataSource> postgresql,
            @ConfigProperty(name = "quarkus.datasource.postgresql.jdbc.url") Optional<String> postgresqlUrl) {
        this.dialect = config.store() == StoreKind.POSTGRESQL ? new PostgresqlDialect(postgresqlUrl, postgresql)
                : new SqliteDialect(config.dataDir(), sqlite);
        // once writes succeed again, the connections opened while they failed are replaced (see the dialect)
        this.allocations = new AllocationTable(dialect.roundTripPerStatement());
        this.changeLog = new ChangeLogTable(dialect.roundTripPerStatement());
        this.writeHealth = new WriteHealth(this::writesRecovered);
        this.transactions = new StoreTransactions(dialect, writeHealth);
        this.historyIndexer = new HistoryIndexer((limit, keys) -> transactions.run(
                "write the change log's history keys", Begin.WRITE_LOCK_FIRST, transaction -> {
                    try (Statements once = new Statements(transaction.connection())) {
                        return changeLog.indexHistory(transaction, once, limit, keys);
                    }
                }));
    }

    private void writesRecovered() {
        transactions.replaceConnections("the database takes writes again");
    }

    @Override
    public boolean shared() {
        return dialect.shared();
    }

    @Override
    public void open() {
        dialect.prepare();
        try {
            // Replicas starting together are safe: the migration takes a lock of its own first (SchemaMigrations).
            transactions.run("migrate the schema", Begin.WRITE_LOCK_FIRST,
                    transaction -> SchemaMigrations.migrate(transaction.connection(), dialect));
        } catch (RuntimeException e) {
            // the root cause says it all, once
            throw new StoreUnavailableException(dialect.openFailure(e, rootCause(e)), null);
        }
    }

    /** The innermost message of a failure (the driver's, under the store's own). */
    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return message.lines().findFirst().orElse(message).strip();
    }

    /** Lets the next registry in this JVM (a restart in tests) take the data directory. */
    @PreDestroy
    void releaseDataDir() {
        historyIndexer.close();
        dialect.release();
    }

    @Override
    public <T> T inHostTransaction(Collection<String> hosts, long appliedRevision, Function<HostTransaction, T> work) {
        long[] head = {-1};
        T result = transactions.run("commit the change", Begin.WRITE_LOCK_FIRST, transaction -> {
            OpenHostTransaction open = new OpenHostTransaction(transaction);
            // sorted, so two transactions wanting the same hosts take them in the same order
            open.begin(new TreeSet<>(hosts), appliedRevision);
            try {
                T done = work.apply(open);
                head[0] = open.appendedHead;
                return done;
            } finally {
                open.ended = true;
            }
        });
        if (head[0] > 0) { // committed, with events
            historyIndexer.committed(head[0]);
        }
        return result;
    }

    /** A host transaction as the registry's work sees it; each call joins the one open transaction. */
    private final class OpenHostTransaction implements HostTransaction {

        private final StoreTransaction transaction;
        /** Set when the work returns: the transaction commits or rolls back then, and is not to be used after. */
        private boolean ended;
        /**
         * Each host's maintenance as read in this transaction: the hosts' locks keep it from changing until the
         * transaction ends, so a group of several allocations on one host reads it once, not once each (issue 23).
         */
        private final Map<String, Optional<Maintenance>> maintenanceRead = new HashMap<>();
        /** On a shared store: the events after {@link #readAheadFrom} as the hosts' locks were taken. */
        private List<ChangeEvent> readAhead;
        private long readAheadFrom;
        /** The log's head after this transaction's last append of events; -1 before any. */
        private long appendedHead = -1;

        OpenHostTransaction(StoreTransaction transaction) {
            this.transaction = transaction;
        }

        /**
         * Takes the hosts' locks and, on a store that replicas share, reads what the decisions will ask first: the
         * events after the caller's revision (its catch-up) and the hosts' maintenances. On PostgreSQL that is one
         * round trip rather than three, inside the hosts' locks, where another replica waits for them (issue 23).
         * Read after the locks are held, they are what the locks protect.
         */
        void begin(SortedSet<String> hosts, long appliedRevision) throws SQLException {
            Exchange opening = new Exchange();
            dialect.lockHosts(opening, hosts);
            if (dialect.shared()) {
                readAheadFrom = appliedRevision;
                changeLog.after(opening, appliedRevision, READ_AHEAD, events -> readAhead = events);
                maintenance.of(opening, hosts, found -> {
                    hosts.forEach(host -> maintenanceRead.put(host, Optional.empty()));
                    found.forEach(each -> maintenanceRead.put(each.host(), Optional.of(each)));
                });
            }
            if (!opening.isEmpty()) { // SQLite: no other process to lock out, nothing to read ahead
                withKeptStatements(statements -> {
                    opening.send(statements);
                    return null;
                });
            }
        }

        /**
         * In a transaction of its own: a snapshot cannot begin inside a transaction that has run statements (on
         * PostgreSQL the isolation level may not change then, and committing to change it would commit this
         * transaction's work early). A load is catch-up's fallback, made before the decision writes, so the
         * committed state is all it could have seen here anyway.
         */
        @Override
        public Snapshot load() {
            return join("load allocations", open -> JdbcAllocationStore.this.load());
        }

        /**
         * From the events read with the locks, when they hold the answer: every event after the revision that was
         * committed when the locks were taken, which is all a decision under them needs (what others commit later
         * reaches the index after this group commits).
         */
        @Override
        public List<ChangeEvent> eventsAfter(long revision, int limit) {
            checkOpen("read the change log");
            if (readAhead != null && revision >= readAheadFrom) {
                List<ChangeEvent> after = readAhead.stream().filter(event -> event.revision() > revision).limit(limit)
                        .toList();
                if (after.size() == limit || readAhead.size() < READ_AHEAD) {
                    return after;
                }
            }
            return join("read the change log", open -> changeLog.after(open, revision, limit));
        }

        /**
         * Keys the events not yet keyed first, in this transaction, which holds the write lock (on SQLite) or will
         * take the head's lock to append anyway (PostgreSQL): a decision that reads the history (sticky placement, on
         * every allocation it makes) would otherwise read the unkeyed events one by one, up to a batch of them, each
         * time. The first such read after a commit keys that commit's events, a few, and the next ones find none.
         */
        @Override
        public List<ChangeEvent> history(HistoryQuery query) {
            return join("read the history", open -> withKeptStatements(statements -> {
                // skipping keys that exist: a conflict here would fail the group; it keys a few events, usually
                long keyed = changeLog.indexHistory(open, statements, HistoryIndexer.STEP,
                        ChangeLogTable.Keys.SOME_PAST_THE_MARK);
                return changeLog.history(statements, query, keyed);
            }));
        }

        @Override
        public Map<UUID, Instant> lastHeartbeats(Collection<UUID> allocationIds) {
            if (allocationIds.isEmpty()) {
                return Map.of();
            }
            List<UUID> ids = List.copyOf(allocationIds);
            return join("read heartbeat times", open -> allocations.lastHeartbeats(open, ids));
        }

        @Override
        public List<DrainDeadline> drainsDue(Instant now) {
            return join("read the drain times", open -> allocations.drainsDue(open, now));
        }

        @Override
        public Optional<Maintenance> maintenance(String host) {
            checkOpen("read the host's maintenance");
            Optional<Maintenance> read = maintenanceRead.get(host);
            if (read == null) {
                read = join("read the host's maintenance", open -> maintenance.of(open, host));
                maintenanceRead.put(host, read);
            }
            return read;
        }

        @Override
        public long write(List<StoreWrite> writes, List<ChangeEvent> events) {
            return write(writes, events, false);
        }

        @Override
        public long commit(List<StoreWrite> writes, List<ChangeEvent> events) {
            try {
                return write(writes, events, true);
            } finally {
                ended = true;
            }
        }

        /** With {@code commit}, the dialect may commit with the writes, in their exchange. */
        private long write(List<StoreWrite> writes, List<ChangeEvent> events, boolean commit) {
            // a write may change them: what was read ahead is read again if asked
            maintenanceRead.clear();
            readAhead = null;
            SqlWork<Long> writing = open -> {
                open.wrote(!writes.isEmpty() || !events.isEmpty());
                return withKeptStatements(statements -> {
                    Exchange exchange = new Exchange();
                    // in order: a later write may depend on an earlier one (a port released, then allocated again)
                    allocations.apply(writes, statements, exchange);
                    for (StoreWrite write : writes) {
                        maintenance.apply(write, statements);
                    }
                    LongSupplier first = changeLog.append(open, statements, exchange, events);
                    if (commit) {
                        dialect.commitWith(exchange);
                    }
                    exchange.send(statements);
                    long firstRevision = first.getAsLong();
                    if (!events.isEmpty()) {
                        appendedHead = firstRevision + events.size() - 1;
                    }
                    return firstRevision;
                });
            };
            checkOpen("write allocations");
            return commit ? transactions.joinCommitting("write allocations", transaction, writing)
                    : transactions.join("write allocations", transaction, writing);
        }

        /**
         * Runs the work with the connection's kept statements; a failure forgets them, in case the pool replaces the
         * connection.
         */
        private <T> T withKeptStatements(KeptWork<T> work) throws SQLException {
            Statements statements = keptStatements.of(transaction.connection());
            try {
                return work.run(statements);
            } catch (SQLException | RuntimeException e) {
                keptStatements.forget(transaction.connection());
                throw e;
            }
        }

        private <T> T join(String what, SqlWork<T> work) {
            checkOpen(what);
            return transactions.join(what, transaction, work);
        }

        private void checkOpen(String what) {
            if (ended) {
                throw new IllegalStateException("the host transaction has ended; " + what + " in a new one");
            }
        }
    }

    private interface KeptWork<T> {
        T run(Statements statements) throws SQLException;
    }

    private Snapshot snapshot(StoreTransaction transaction) throws SQLException {
        return new Snapshot(allocations.all(transaction), changeLog.head(transaction));
    }

    @Override
    public Snapshot load() {
        return inSnapshot("load allocations", this::snapshot);
    }

    @Override
    public HeldPorts heldPorts(String host) {
        return inSnapshot("read the held ports", transaction -> {
            long revision = changeLog.head(transaction);
            return new HeldPorts(allocations.heldPorts(transaction, host), revision);
        });
    }

    @Override
    public long headRevision() {
        return inTransaction("read the change log", Begin.SINGLE_READ, changeLog::head);
    }

    @Override
    public long oldestRevision() {
        return inTransaction("read the change log", Begin.DEFERRED, changeLog::oldest);
    }

    @Override
    public List<ChangeEvent> eventsAfter(long revision, int limit) {
        return inTransaction("read the change log", Begin.DEFERRED,
                transaction -> changeLog.after(transaction, revision, limit));
    }

    @Override
    public List<ChangeEvent> history(HistoryQuery query) {
        return inTransaction("read the history", Begin.DEFERRED, transaction -> {
            try (Statements once = new Statements(transaction.connection())) {
                return changeLog.history(once, query);
            }
        });
    }

    @Override
    public Optional<Long> firstRevisionAt(Instant at) {
        return inTransaction("read the change log", Begin.DEFERRED,
                transaction -> changeLog.firstRevisionAt(transaction, at));
    }

    @Override
    public List<ChangeEvent> hostEvents(String host, long first, long last, int limit) {
        return inTransaction("read the change log", Begin.DEFERRED,
                transaction -> changeLog.ofHost(transaction, host, first, last, limit));
    }

    /** Reads before it writes: with the write lock from the start, or SQLite refuses it whenever others write. */
    @Override
    public int prune(Instant olderThan, long maxEvents, int chunk) {
        return inTransaction("prune the change log", Begin.WRITE_LOCK_FIRST,
                transaction -> changeLog.prune(transaction, olderThan, maxEvents, chunk));
    }

    @Override
    public Instant markAlive(Instant now, Duration downAfter) {
        return writeHealth.track(() -> inTransaction("record that the registry is alive", Begin.DEFERRED,
                transaction -> liveness.markAlive(transaction, now, downAfter)));
    }

    @Override
    public List<DrainDeadline> drainsDue(Instant now) {
        return inTransaction("read the drain times", Begin.DEFERRED, transaction -> allocations.drainsDue(transaction,
                now));
    }

    @Override
    public List<Maintenance> maintenances() {
        return inTransaction("read the host maintenances", Begin.DEFERRED, maintenance::all);
    }

    @Override
    public Map<String, List<String>> reportedAddresses() {
        return inTransaction("read the hosts' reported addresses", Begin.DEFERRED, hostAddresses::all);
    }

    /** Writes without reading first, yet takes the write lock at once: SQLite would refuse an upgrade mid-way. */
    @Override
    public void saveReportedAddresses(String host, List<String> addresses, Instant at) {
        writeHealth.track(() -> inTransaction("store " + host + "'s reported addresses", Begin.WRITE_LOCK_FIRST,
                transaction -> hostAddresses.put(transaction, host, addresses, at)));
    }

    @Override
    public void ping() {
        transactions.runUnlogged("check the database", Begin.DEFERRED, allocations::readable);
        writeHealth.failure().ifPresent(this::probeWrite);
    }

    /**
     * After a failed write, readiness asks the store to write again (see {@link Dialect#probeWrite}). The probe reads
     * before it writes, so it takes the write lock first: begun deferred, it failed with SQLITE_BUSY whenever another
     * connection wrote in between (the liveness mark every second, a commit), and readiness stayed 503 on a store
     * that took writes again (StorageFaultIT, on a busy machine).
     */
    private void probeWrite(WriteHealth.Failure seen) {
        for (int attempt = 1; ; attempt++) {
            try {
                probeWrite();
                break;
            } catch (StoreUnavailableException failed) {
                // A connection the fault left read-only answers for itself, not for the store, and is destroyed
                // as it goes back: ask again, until the pool has none of them left (StorageFaultIT).
                boolean connectionsOwn = failed.getCause() instanceof SQLException cause
                        && dialect.connectionOutlivedFault(cause);
                if (!connectionsOwn || attempt > MAX_POOLED_CONNECTIONS) {
                    throw failed;
                }
            }
        }
        writeHealth.recovered(seen);
    }

    private void probeWrite() {
        transactions.runUnlogged("take writes", Begin.WRITE_LOCK_FIRST, transaction -> {
            dialect.probeWrite(transaction.connection());
            return null;
        });
    }

    @Override
    public String location() {
        return dialect.location();
    }

    /** Reads that must agree with each other, in one snapshot (see {@link Dialect#inSnapshot}). */
    private <T> T inSnapshot(String what, SqlWork<T> work) {
        return inTransaction(what, Begin.DEFERRED, transaction -> dialect.inSnapshot(transaction, work));
    }

    /** Runs the work in a transaction of its own. */
    private <T> T inTransaction(String what, Begin begin, SqlWork<T> work) {
        return transactions.run(what, begin, work);
    }
}
