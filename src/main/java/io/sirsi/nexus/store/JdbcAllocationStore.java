package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.sirsi.nexus.registry.AllocationStore;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.HistoryQuery;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.registry.RegistryConfig.StoreKind;
import io.sirsi.nexus.registry.StoreUnavailableException;
import io.sirsi.nexus.registry.StoreWrite;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The allocation store on a JDBC database, with its schema kept by {@link SchemaMigrations}: the embedded SQLite
 * file by default, or PostgreSQL ({@code sirsi.ports.store=postgresql}) shared by several registry processes. The
 * boundary of the store: it picks the {@link Dialect}, opens each call's transaction ({@link StoreTransactions}),
 * hands it to the tables ({@link AllocationTable}, {@link ChangeLogTable}, {@link LivenessTable}), and tracks
 * whether writes succeed ({@link WriteHealth}).
 *
 * <p>A host transaction is an explicit {@link StoreTransaction} inside the store; only here, at the
 * {@link AllocationStore} boundary, does a {@code ThreadLocal} let the calls the registry makes during its work
 * join it, as the interface promises.
 */
@ApplicationScoped
public class JdbcAllocationStore implements AllocationStore {

    private final Dialect dialect;
    private final StoreTransactions transactions;
    private final AllocationTable allocations = new AllocationTable();
    private final ChangeLogTable changeLog = new ChangeLogTable();
    private final LivenessTable liveness = new LivenessTable();
    private final WriteHealth writeHealth = new WriteHealth();
    /** The host transaction open on this thread, which the store calls made during its work join. */
    private final ThreadLocal<StoreTransaction> hostTransaction = new ThreadLocal<>();

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
        this.transactions = new StoreTransactions(dialect);
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
        dialect.release();
    }

    @Override
    public <T> T inHostTransaction(Collection<String> hosts, Supplier<T> work) {
        if (hostTransaction.get() != null) {
            throw new IllegalStateException("host transactions do not nest");
        }
        StoreTransaction[] opened = new StoreTransaction[1];
        try {
            T result = transactions.run("commit the change", Begin.WRITE_LOCK_FIRST, transaction -> {
                opened[0] = transaction;
                // sorted, so two transactions wanting the same hosts take them in the same order
                dialect.lockHosts(transaction.connection(), new TreeSet<>(hosts));
                hostTransaction.set(transaction);
                try {
                    return work.get();
                } finally {
                    hostTransaction.remove();
                }
            });
            if (wrote(opened[0])) {
                writeHealth.succeeded();
            }
            return result;
        } catch (StoreUnavailableException e) {
            // only a transaction that wrote says anything about whether the store takes writes
            if (wrote(opened[0])) {
                writeHealth.failed(e);
            }
            throw e;
        }
    }

    private static boolean wrote(StoreTransaction transaction) {
        return transaction != null && transaction.wrote();
    }

    @Override
    public Snapshot load() {
        return inSnapshot("load allocations",
                transaction -> new Snapshot(allocations.all(transaction), changeLog.head(transaction)));
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
        return inTransaction("read the change log", Begin.DEFERRED, changeLog::head);
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
        return inTransaction("read the history", Begin.DEFERRED, transaction -> changeLog.history(transaction, query));
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

    @Override
    public Map<UUID, Instant> lastHeartbeats(Collection<UUID> allocationIds) {
        if (allocationIds.isEmpty()) {
            return Map.of();
        }
        List<UUID> ids = List.copyOf(allocationIds);
        return inTransaction("read heartbeat times", Begin.DEFERRED,
                transaction -> allocations.lastHeartbeats(transaction, ids));
    }

    /** Reads before it writes: with the write lock from the start, or SQLite refuses it whenever others write. */
    @Override
    public int prune(Instant olderThan, long maxEvents) {
        return inTransaction("prune the change log", Begin.WRITE_LOCK_FIRST,
                transaction -> changeLog.prune(transaction, olderThan, maxEvents));
    }

    @Override
    public long write(List<StoreWrite> writes, List<ChangeEvent> events) {
        SqlWork<Long> batch = transaction -> {
            transaction.wrote(!writes.isEmpty() || !events.isEmpty());
            try (Statements statements = new Statements(transaction.connection())) {
                // in order, since a later write may depend on an earlier one (a port released, then allocated again)
                for (StoreWrite write : writes) {
                    allocations.apply(write, statements);
                }
                return changeLog.append(transaction, statements, events);
            }
        };
        // inside a host transaction, its commit is what succeeds or fails, and inHostTransaction tracks that
        StoreTransaction joined = hostTransaction.get();
        if (joined != null) {
            return transactions.join("write allocations", joined, batch);
        }
        return writeHealth.track(() -> transactions.run("write allocations", Begin.DEFERRED, batch));
    }

    @Override
    public Instant markAlive(Instant now, Duration downAfter) {
        return writeHealth.track(() -> inTransaction("record that the registry is alive", Begin.DEFERRED,
                transaction -> liveness.markAlive(transaction, now, downAfter)));
    }

    @Override
    public void ping() {
        inTransaction("check the database", Begin.DEFERRED, allocations::readable);
        writeHealth.failure().ifPresent(this::probeWrite);
    }

    /** After a failed write, readiness asks the store to write again (see {@link Dialect#probeWrite}). */
    private void probeWrite(WriteHealth.Failure seen) {
        inTransaction("take writes", Begin.DEFERRED, transaction -> {
            dialect.probeWrite(transaction.connection());
            return null;
        });
        writeHealth.recovered(seen);
    }

    @Override
    public String location() {
        return dialect.location();
    }

    /** Reads that must agree with each other, in one snapshot (see {@link Dialect#inSnapshot}). */
    private <T> T inSnapshot(String what, SqlWork<T> work) {
        return inTransaction(what, Begin.DEFERRED, transaction -> dialect.inSnapshot(transaction, work));
    }

    /**
     * Runs the work in a transaction of its own, or, inside {@link #inHostTransaction} on this thread, in that
     * transaction, which commits or rolls back at its end.
     */
    private <T> T inTransaction(String what, Begin begin, SqlWork<T> work) {
        StoreTransaction joined = hostTransaction.get();
        return joined != null ? transactions.join(what, joined, work) : transactions.run(what, begin, work);
    }
}
