package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.AllocationStore;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.EventFilter;
import io.sirsi.nexus.registry.EventType;
import io.sirsi.nexus.registry.HistoryQuery;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.registry.RegistryConfig.StoreKind;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreConflictException;
import io.sirsi.nexus.registry.StoreUnavailableException;
import io.sirsi.nexus.registry.StoreWrite;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;

/**
 * The allocation store on a JDBC database, with its schema kept by {@link SchemaMigrations}: the embedded SQLite
 * file by default, or PostgreSQL ({@code sirsi.ports.store=postgresql}) shared by several registry processes. One
 * class for both: the SQL and the migrations are the same, and the differences are the per-host lock and the error
 * codes.
 */
@ApplicationScoped
public class JdbcAllocationStore implements AllocationStore {

    private static final Logger LOG = Logger.getLogger(JdbcAllocationStore.class);
    private static final String COLUMNS = "allocation_id, host, port, service_name, service_type, process_id,"
            + " allocated_at, last_heartbeat, reserved, expired";
    private static final String EVENT_COLUMNS = "revision, type, at, allocation_id, host, port, service_name,"
            + " service_type, process_id, allocated_at, last_heartbeat, status";
    /**
     * First key of the two-key advisory lock that serialises the changes of one host across replicas; the second
     * key is the hash of the host name. A namespace of our own keeps clear of single-key advisory locks (the
     * schema migration's, another application's) on the same database.
     */
    private static final int HOST_LOCK_NAMESPACE = 0x51e5;
    private static final String INSERT = "insert into allocation (" + COLUMNS + ")"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "update allocation set allocation_id = ?, host = ?, port = ?,"
            + " service_name = ?, service_type = ?, process_id = ?, allocated_at = ?, last_heartbeat = ?, reserved = ?,"
            + " expired = ? where allocation_id = ?";
    private static final String INSERT_EVENT = "insert into change_event (" + EVENT_COLUMNS + ")"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * Hands out revisions. On PostgreSQL the update holds the head row's lock until the transaction ends, so a
     * second appender waits for the first to commit: revisions are handed out in commit order, and a reader of
     * {@code revision > N} can never see N + 2 committed while N + 1 is still to come. A sequence would not do:
     * its numbers are taken in start order, not commit order. Taken last in the transaction, after the hosts' locks
     * (always in that order, so no deadlock), it serialises only the append and the commit.
     */
    private static final String ADVANCE_HEAD = "update change_log_head set revision = revision + ? where id = 1";
    private static final String TOUCH = "update allocation set last_heartbeat = ? where allocation_id = ?";
    private static final String DELETE = "delete from allocation where allocation_id = ?";
    /** Ids per query when heartbeat times are read back (well within both databases' limits on parameters). */
    private static final int HEARTBEAT_BATCH = 500;
    /** PostgreSQL's codes for a transaction that lost a race and may simply be retried. */
    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");

    private final RegistryConfig config;
    private final Instance<AgroalDataSource> sqlite;
    private final Instance<AgroalDataSource> postgresql;
    private final Optional<String> postgresqlUrl;
    /** The transaction of {@link #inHostTransaction} on this thread, which the store calls it makes join. */
    private final ThreadLocal<Connection> hostTransaction = new ThreadLocal<>();
    /** Whether the host transaction on this thread has written anything (see {@link #inHostTransaction}). */
    private final ThreadLocal<boolean[]> hostTransactionWrote = new ThreadLocal<>();
    private volatile AgroalDataSource dataSource;
    private volatile FileLock dataDirLock;
    private final WriteHealth writeHealth = new WriteHealth();

    /**
     * Both datasources are injected as {@link Instance}s because only the one {@code sirsi.ports.store} names is
     * active, and resolving an inactive one fails; client commands deactivate both and never get here.
     */
    public JdbcAllocationStore(RegistryConfig config,
            @Default Instance<AgroalDataSource> sqlite,
            @DataSource("postgresql") Instance<AgroalDataSource> postgresql,
            @ConfigProperty(name = "quarkus.datasource.postgresql.jdbc.url") Optional<String> postgresqlUrl) {
        this.config = config;
        this.sqlite = sqlite;
        this.postgresql = postgresql;
        this.postgresqlUrl = postgresqlUrl;
    }

    @Override
    public boolean shared() {
        return isPostgresql();
    }

    @Override
    public void open() {
        if (!isPostgresql()) {
            Path dataDir = Path.of(config.dataDir());
            requireUriSafe(config.dataDir()); // as written: it goes into the URL as it is
            try {
                Files.createDirectories(dataDir); // SQLite creates the file but not its directory
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot create data directory " + dataDir.toAbsolutePath()
                        + ": " + e.getMessage(), e);
            }
            lockDataDir(dataDir.toAbsolutePath());
            removeSharedMemoryFile(dataDir.toAbsolutePath());
            SqliteNativeLibrary.useCopyIn(dataDir.toAbsolutePath());
        }
        try {
            // Replicas starting together are safe: the migration takes a lock of its own first (SchemaMigrations).
            inTransaction("migrate the schema", true, connection -> SchemaMigrations.migrate(connection,
                    isPostgresql()));
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot open the database at " + location() + ": " + rootCause(e)
                    + (isPostgresql() ? "" : "; the file was left as it is: restore it from a backup, or move it"
                            + " away to start with no allocations"), null); // the root cause says it all, once
        }
    }

    /**
     * The database is opened by a {@code file:} URI (for its {@code vfs=unix-excl}), in which {@code ?} and
     * {@code #} would end the path, {@code %} start an escape and a leading {@code //} a host: a data directory
     * with them would open another file, or none.
     */
    private static void requireUriSafe(String path) {
        if (path.startsWith("//")) {
            throw new StoreUnavailableException("sirsi.ports.data-dir '" + path + "' starts with //, which SQLite reads"
                    + " as a URI's host; write it with one /", null);
        }
        for (char special : new char[] {'?', '#', '%'}) {
            if (path.indexOf(special) >= 0) {
                throw new StoreUnavailableException("sirsi.ports.data-dir '" + path + "' contains '" + special
                        + "', which SQLite reads as part of a URI, not of the path; choose a directory without ?, #"
                        + " or %", null);
            }
        }
    }

    /**
     * SQLite runs with its {@code unix-excl} VFS: its WAL index lives in this process's heap, not in a memory-mapped
     * {@code registry.db-shm} (a fault on that mapping, such as the file made unwritable, killed the JVM with
     * SIGBUS). A {@code -shm} file left by an earlier version is stale, and with the data directory locked nothing
     * else uses it: removed, so that nobody takes it for live state.
     */
    private static void removeSharedMemoryFile(Path dataDir) {
        Path shm = dataDir.resolve("registry.db-shm");
        try {
            if (Files.deleteIfExists(shm)) {
                LOG.infof("Removed %s, left by an earlier version: the WAL index is now kept in memory", shm);
            }
        } catch (IOException e) {
            LOG.warnf("Cannot remove the stale %s (%s); it is not used", shm, e.getMessage());
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

    /**
     * Takes the data directory for this process alone, as etcd and PostgreSQL do with theirs. Two registries on one
     * SQLite file would each answer from an index of their own, blind to the other's allocations. The operating
     * system drops the lock when the process ends, however it ends.
     */
    private void lockDataDir(Path dataDir) {
        Path lockPath = dataDir.resolve("registry.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(lockPath), StandardCharsets.UTF_8).strip();
                throw new StoreUnavailableException("another registry process" + (holder.isEmpty() ? "" : " (pid "
                        + holder + ")") + " is using " + dataDir + "; stop it, or give this one another"
                        + " sirsi.ports.data-dir", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            dataDirLock = lock;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel); // the lock, if taken, goes with it
            throw e instanceof StoreUnavailableException refused ? refused
                    : new StoreUnavailableException("cannot lock " + lockPath + ": " + e.getMessage(), e);
        }
    }

    /** Lets the next registry in this JVM (a restart in tests) take the data directory. */
    @PreDestroy
    void releaseDataDir() {
        FileLock lock = dataDirLock;
        if (lock != null) {
            closeQuietly(lock.channel());
            dataDirLock = null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debugf("Closing the data directory's lock file: %s", e.getMessage());
            }
        }
    }

    @Override
    public <T> T inHostTransaction(Collection<String> hosts, Supplier<T> work) {
        if (hostTransaction.get() != null) {
            throw new IllegalStateException("host transactions do not nest");
        }
        // Only a transaction that wrote says anything about whether the store takes writes: the expiry pass and the
        // catch-up of replicas run host transactions every second that commit nothing.
        boolean[] wrote = {false};
        try {
            T result = inHostTransaction(hosts, work, wrote);
            if (wrote[0]) {
                writeHealth.succeeded();
            }
            return result;
        } catch (StoreUnavailableException e) {
            if (wrote[0]) {
                writeHealth.failed(e);
            }
            throw e;
        }
    }

    private <T> T inHostTransaction(Collection<String> hosts, Supplier<T> work, boolean[] wrote) {
        return inTransaction("commit the change", true, connection -> {
            if (isPostgresql()) {
                // Held until commit or rollback. The transaction runs at READ COMMITTED (PostgreSQL's default), so
                // every statement after this one sees what the previous holder of the lock committed. Sorted, so
                // two transactions wanting the same hosts take them in the same order.
                try (PreparedStatement lock = connection.prepareStatement(
                        "select pg_advisory_xact_lock(?, hashtext(?))")) {
                    for (String host : new TreeSet<>(hosts)) {
                        lock.setInt(1, HOST_LOCK_NAMESPACE);
                        lock.setString(2, host);
                        lock.execute();
                    }
                }
            }
            // SQLite needs no lock statement: it admits one writer to the whole database at a time.
            hostTransaction.set(connection);
            hostTransactionWrote.set(wrote);
            try {
                return work.get();
            } finally {
                hostTransaction.remove();
                hostTransactionWrote.remove();
            }
        });
    }

    @Override
    public Snapshot load() {
        return inSnapshot("load allocations", connection -> {
            long revision = head(connection, "revision");
            List<Allocation> allocations = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("select " + COLUMNS + " from allocation");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    allocations.add(read(rows));
                }
            }
            return new Snapshot(allocations, revision);
        });
    }

    @Override
    public HeldPorts heldPorts(String host) {
        return inSnapshot("read the held ports", connection -> {
            long revision = head(connection, "revision");
            List<Integer> ports = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select port from allocation where host = ?")) {
                select.setString(1, host);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ports.add(rows.getInt(1));
                    }
                }
            }
            return new HeldPorts(ports, revision);
        });
    }

    /**
     * Runs reads that must agree with each other (rows and the head revision: replaying the log from that revision
     * must neither skip nor repeat a change) in one snapshot. SQLite's read transactions are snapshots;
     * PostgreSQL's READ COMMITTED would give each statement its own.
     */
    private <T> T inSnapshot(String what, Work<T> work) {
        return inTransaction(what, connection -> {
            int isolation = connection.getTransactionIsolation();
            if (isPostgresql()) {
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            try {
                return work.run(connection);
            } finally {
                if (isPostgresql()) {
                    connection.commit(); // isolation may only change between transactions
                    connection.setTransactionIsolation(isolation);
                }
            }
        });
    }

    @Override
    public long headRevision() {
        return inTransaction("read the change log", connection -> head(connection, "revision"));
    }

    @Override
    public long oldestRevision() {
        return inTransaction("read the change log", connection -> head(connection, "oldest"));
    }

    private static long head(Connection connection, String column) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select " + column + " from change_log_head where id = 1");
                ResultSet rows = select.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("the change log's head row is missing", "58000");
            }
            return rows.getLong(1);
        }
    }

    @Override
    public List<ChangeEvent> eventsAfter(long revision, int limit) {
        return events("read the change log", "revision > ?", "revision", limit, List.of(revision));
    }

    @Override
    public List<ChangeEvent> history(HistoryQuery query) {
        List<String> where = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        EventFilter filter = query.filter();
        filter.serviceName().ifPresent(name -> condition(where, values, "service_name = ?", name));
        filter.port().ifPresent(port -> condition(where, values, "port = ?", port));
        filter.host().ifPresent(host -> condition(where, values, "host = ?", host));
        filter.serviceType().ifPresent(type -> condition(where, values, "service_type = ?", type.wireName()));
        query.from().ifPresent(from -> condition(where, values, "at >= ?", from.toEpochMilli()));
        query.to().ifPresent(to -> condition(where, values, "at <= ?", to.toEpochMilli()));
        return events("read the history", where.isEmpty() ? "1 = 1" : String.join(" and ", where), "revision desc",
                query.limit(), values);
    }

    @Override
    public Optional<Long> firstRevisionAt(Instant at) {
        // two lookups on the time index rather than "order by at, revision", which would sort the whole window
        return inTransaction("read the change log", connection -> {
            Optional<Long> first = single(connection, "select min(at) from change_event where at >= ?",
                    at.toEpochMilli());
            if (first.isEmpty()) {
                return Optional.empty();
            }
            return single(connection, "select min(revision) from change_event where at = ?", first.get());
        });
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

    @Override
    public List<ChangeEvent> hostEvents(String host, long first, long last, int limit) {
        // a range of the primary key: each page starts where the last one ended, whatever the window's length
        return events("read the change log", "revision >= ? and revision <= ? and host = ?", "revision", limit,
                List.of(first, last, host));
    }

    private static void condition(List<String> where, List<Object> values, String sql, Object value) {
        where.add(sql);
        values.add(value);
    }

    private List<ChangeEvent> events(String what, String where, String order, int limit, List<Object> values) {
        return inTransaction(what, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + EVENT_COLUMNS
                    + " from change_event where " + where + " order by " + order + " limit ?")) {
                int index = 1;
                for (Object value : values) {
                    select.setObject(index++, value);
                }
                select.setInt(index, limit);
                try (ResultSet rows = select.executeQuery()) {
                    List<ChangeEvent> events = new ArrayList<>();
                    while (rows.next()) {
                        events.add(readEvent(rows));
                    }
                    return events;
                }
            }
        });
    }

    @Override
    public Map<UUID, Instant> lastHeartbeats(Collection<UUID> allocationIds) {
        if (allocationIds.isEmpty()) {
            return Map.of();
        }
        List<UUID> ids = List.copyOf(allocationIds);
        return inTransaction("read heartbeat times", connection -> {
            // a few queries of many ids rather than one per id: in a partition the candidates are thousands, read
            // on every expiry pass
            Map<UUID, Instant> times = new HashMap<>();
            for (int from = 0; from < ids.size(); from += HEARTBEAT_BATCH) {
                List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + HEARTBEAT_BATCH));
                try (PreparedStatement select = connection.prepareStatement("select allocation_id, last_heartbeat"
                        + " from allocation where allocation_id in (" + "?, ".repeat(batch.size() - 1) + "?)")) {
                    for (int i = 0; i < batch.size(); i++) {
                        select.setString(i + 1, batch.get(i).toString());
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            times.put(UUID.fromString(rows.getString(1)), Instant.ofEpochMilli(rows.getLong(2)));
                        }
                    }
                }
            }
            return times;
        });
    }

    @Override
    public int prune(Instant olderThan, long maxEvents) {
        return inTransaction("prune the change log", connection -> {
            long head = head(connection, "revision");
            long cutoff = head - maxEvents;
            try (PreparedStatement select = connection.prepareStatement(
                    "select max(revision) from change_event where at < ?")) {
                select.setLong(1, olderThan.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        cutoff = Math.max(cutoff, rows.getLong(1));
                    }
                }
            }
            if (cutoff < head(connection, "oldest")) {
                return 0;
            }
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
        });
    }

    @Override
    public long write(List<StoreWrite> writes, List<ChangeEvent> events) {
        Supplier<Long> transaction = () -> inTransaction("write allocations", connection -> {
            // executed in order, since a later write may depend on an earlier one (a port released, then allocated
            // again)
            try (Statements statements = new Statements(connection)) {
                for (StoreWrite write : writes) {
                    apply(write, statements);
                }
                if (events.isEmpty()) {
                    return head(connection, "revision");
                }
                PreparedStatement advance = statements.get(ADVANCE_HEAD);
                advance.setInt(1, events.size());
                advance.executeUpdate();
                long first = head(connection, "revision") - events.size() + 1;
                PreparedStatement insert = statements.get(INSERT_EVENT);
                for (int i = 0; i < events.size(); i++) {
                    bindEvent(insert, first + i, events.get(i));
                    insert.addBatch();
                }
                insert.executeBatch();
                return first;
            }
        });
        // inside a host transaction, its commit is what succeeds or fails, and inHostTransaction tracks that
        boolean[] wrote = hostTransactionWrote.get();
        if (wrote == null) {
            return writeHealth.track(transaction);
        }
        wrote[0] |= !writes.isEmpty() || !events.isEmpty();
        return transaction.get();
    }

    /** The prepared statements of one batch: one per SQL text, prepared on first use, closed together. */
    private static final class Statements implements AutoCloseable {

        private final Connection connection;
        private final Map<String, PreparedStatement> prepared = new HashMap<>();

        Statements(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement get(String sql) throws SQLException {
            PreparedStatement statement = prepared.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                prepared.put(sql, statement);
            }
            return statement;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement statement : prepared.values()) {
                statement.close();
            }
        }
    }

    private static void apply(StoreWrite write, Statements statements) throws SQLException {
        if (write instanceof StoreWrite.Insert insert) {
            PreparedStatement statement = statements.get(INSERT);
            bind(statement, insert.allocation());
            statement.executeUpdate();
        } else if (write instanceof StoreWrite.Update update) {
            PreparedStatement statement = statements.get(UPDATE);
            bind(statement, update.allocation());
            statement.setString(11, update.allocation().allocationId().toString());
            statement.executeUpdate();
        } else if (write instanceof StoreWrite.Touch touch) {
            PreparedStatement statement = statements.get(TOUCH);
            for (Map.Entry<UUID, Instant> heartbeat : touch.lastHeartbeats().entrySet()) {
                statement.setLong(1, heartbeat.getValue().toEpochMilli());
                statement.setString(2, heartbeat.getKey().toString());
                statement.executeUpdate();
            }
        } else if (write instanceof StoreWrite.Delete delete) {
            PreparedStatement statement = statements.get(DELETE);
            for (UUID id : delete.allocationIds()) {
                statement.setString(1, id.toString());
                statement.executeUpdate();
            }
        }
    }

    @Override
    public Instant markAlive(Instant now, Duration downAfter) {
        return writeHealth.track(() -> inTransaction("record that the registry is alive", connection -> {
            // one statement: two processes starting together after an outage agree on one moment (on PostgreSQL
            // the second waits for the first's row lock, then finds the mark fresh)
            try (PreparedStatement update = connection.prepareStatement("update registry_liveness set"
                    + " expiry_resumed_at = case when alive_at < ? then ? else expiry_resumed_at end, alive_at = ?"
                    + " where id = 1")) {
                update.setLong(1, now.minus(downAfter).toEpochMilli());
                update.setLong(2, now.toEpochMilli());
                update.setLong(3, now.toEpochMilli());
                update.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "select expiry_resumed_at from registry_liveness where id = 1");
                    ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("the registry's liveness row is missing", "58000");
                }
                return Instant.ofEpochMilli(rows.getLong(1));
            }
        }));
    }

    @Override
    public void ping() {
        inTransaction("check the database", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select count(*) from allocation");
                    ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        });
        writeHealth.failure().ifPresent(this::probeWrite);
    }

    /**
     * After a failed write, readiness asks the store to write again: a transaction that changes a page and is
     * committed (so fsynced), yet leaves every row as it was. SQLite rewrites the header's user_version with its own
     * value (the migrations do not use it); PostgreSQL commits a transaction that has an id, which writes its WAL.
     */
    private void probeWrite(WriteHealth.Failure seen) {
        inTransaction("take writes", connection -> {
            if (isPostgresql()) {
                try (PreparedStatement probe = connection.prepareStatement("select txid_current()")) {
                    probe.execute();
                }
            } else {
                try (PreparedStatement read = connection.prepareStatement("pragma user_version");
                        ResultSet version = read.executeQuery();
                        PreparedStatement write = connection.prepareStatement("pragma user_version = "
                                + (version.next() ? version.getInt(1) : 0))) {
                    write.execute();
                }
            }
            return null;
        });
        writeHealth.recovered(seen);
    }

    @Override
    public String location() {
        if (isPostgresql()) {
            // without the query string, which may carry a password
            return postgresqlUrl.map(url -> url.replaceFirst("\\?.*", "")).orElse("the postgresql datasource");
        }
        return Path.of(config.dataDir()).toAbsolutePath().resolve("registry.db").toString();
    }

    private static void bind(PreparedStatement statement, Allocation allocation) throws SQLException {
        bindFields(statement, 1, allocation);
        statement.setInt(9, allocation.reserved() ? 1 : 0);
        statement.setInt(10, allocation.expired() ? 1 : 0);
    }

    private static void bindEvent(PreparedStatement statement, long revision, ChangeEvent event) throws SQLException {
        statement.setLong(1, revision);
        statement.setString(2, event.type().wireName());
        statement.setLong(3, event.at().toEpochMilli());
        bindFields(statement, 4, event.allocation());
        statement.setString(12, event.allocation().status().label());
    }

    /** The eight columns that rows and events share, in their order, from {@code first}. */
    private static void bindFields(PreparedStatement statement, int first, Allocation allocation) throws SQLException {
        statement.setString(first, allocation.allocationId().toString());
        statement.setString(first + 1, allocation.host());
        statement.setInt(first + 2, allocation.port());
        statement.setString(first + 3, allocation.serviceName());
        statement.setString(first + 4, allocation.serviceType().wireName());
        if (allocation.processId().isPresent()) {
            statement.setLong(first + 5, allocation.processId().get());
        } else {
            statement.setNull(first + 5, Types.BIGINT);
        }
        statement.setLong(first + 6, allocation.allocatedAt().toEpochMilli());
        statement.setLong(first + 7, allocation.lastHeartbeat().toEpochMilli());
    }

    private static ChangeEvent readEvent(ResultSet row) throws SQLException {
        String type = row.getString("type");
        String status = row.getString("status");
        Allocation allocation = readFields(row, AllocationStatus.fromLabel(status).orElseThrow(
                () -> new IllegalStateException("stored event has unknown status " + status)));
        return new ChangeEvent(row.getLong("revision"), EventType.fromWireName(type).orElseThrow(
                () -> new IllegalStateException("stored event has unknown type " + type)),
                Instant.ofEpochMilli(row.getLong("at")), allocation);
    }

    /** An allocation from the columns that rows and events share. */
    private static Allocation readFields(ResultSet row, AllocationStatus status) throws SQLException {
        return new Allocation(
                UUID.fromString(row.getString("allocation_id")),
                row.getString("host"),
                row.getInt("port"),
                row.getString("service_name"),
                serviceType(row.getString("service_type")),
                processId(row),
                Instant.ofEpochMilli(row.getLong("allocated_at")),
                Instant.ofEpochMilli(row.getLong("last_heartbeat")),
                status);
    }

    private static Optional<Long> processId(ResultSet row) throws SQLException {
        long processId = row.getLong("process_id");
        return row.wasNull() ? Optional.empty() : Optional.of(processId);
    }

    /** Any well-formed name: a type no longer configured still holds its ports (the registry warns of it). */
    private static ServiceType serviceType(String type) {
        try {
            return ServiceType.named(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stored allocation has a malformed service type: " + e.getMessage(), e);
        }
    }

    private static Allocation read(ResultSet row) throws SQLException {
        return readFields(row, row.getInt("reserved") != 0 ? AllocationStatus.RESERVED
                : row.getInt("expired") != 0 ? AllocationStatus.EXPIRED : AllocationStatus.ACTIVE);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs the work in one transaction: it commits whole, or rolls back and throws having changed nothing. Inside
     * {@link #inHostTransaction} the work joins that transaction instead, which commits or rolls back at its end.
     */
    private <T> T inTransaction(String what, Work<T> work) {
        return inTransaction(what, false, work);
    }

    /**
     * @param writeLockFirst on SQLite, take the database's write lock when the transaction begins ({@code BEGIN
     *                       IMMEDIATE}) rather than at its first write: a transaction that reads before it writes
     *                       (sticky placement reads the log, the expiry pass heartbeat times) would otherwise fail
     *                       with SQLITE_BUSY_SNAPSHOT whenever another connection wrote in between, since WAL cannot
     *                       upgrade a read snapshot that is no longer the newest
     */
    private <T> T inTransaction(String what, boolean writeLockFirst, Work<T> work) {
        Connection joined = hostTransaction.get();
        if (joined != null) {
            try {
                return work.run(joined);
            } catch (SQLException e) {
                throw translate(what, e);
            }
        }
        try (Connection connection = dataSource().getConnection()) {
            SQLiteConnectionConfig sqliteMode = writeLockFirst && !isPostgresql()
                    ? connection.unwrap(SQLiteConnection.class).getConnectionConfig() : null;
            if (sqliteMode != null) {
                sqliteMode.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            }
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                deferNextBegin(sqliteMode); // the driver begins the next transaction at commit: not with the lock
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    deferNextBegin(sqliteMode);
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed); // the connection is gone; the database discards the work
                }
                throw e;
            }
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    private static void deferNextBegin(SQLiteConnectionConfig sqliteMode) {
        if (sqliteMode != null) {
            sqliteMode.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        }
    }

    private RuntimeException translate(String what, SQLException e) {
        String state = Optional.ofNullable(e.getSQLState()).orElse("");
        if (state.startsWith("23") || e.getErrorCode() == 19 /* SQLITE_CONSTRAINT */) {
            return new StoreConflictException("the port or service name was taken at the same moment by another"
                    + " request; retry", e);
        }
        if (RETRYABLE_STATES.contains(state)) {
            return new StoreConflictException("another registry changed the same allocations at the same moment;"
                    + " retry", e);
        }
        LOG.errorf("Cannot %s in %s: %s (SQL state %s)", what, location(), e.getMessage(), state);
        return new StoreUnavailableException("the registry cannot " + what
                + ": its database is unavailable; nothing was changed", e);
    }

    private boolean isPostgresql() {
        return config.store() == StoreKind.POSTGRESQL;
    }

    private AgroalDataSource dataSource() {
        AgroalDataSource resolved = dataSource;
        if (resolved == null) {
            resolved = (isPostgresql() ? postgresql : sqlite).get();
            dataSource = resolved;
        }
        return resolved;
    }
}
