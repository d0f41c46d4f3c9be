package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.flyway.FlywayDataSource;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.registry.RegistryConfig.StoreKind;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreConflictException;
import io.sirsi.nexus.registry.StoreUnavailableException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * The allocation store on a JDBC database, with its schema kept by Flyway: the embedded SQLite file by default,
 * or PostgreSQL ({@code sirsi.ports.store=postgresql}) shared by several registry processes. One class for both:
 * the SQL and the migrations are the same, and the differences are the per-host lock and the error codes.
 */
@ApplicationScoped
public class JdbcAllocationStore implements AllocationStore {

    private static final Logger LOG = Logger.getLogger(JdbcAllocationStore.class);
    private static final String COLUMNS =
            "allocation_id, host, port, service_name, service_type, process_id, allocated_at, last_heartbeat, reserved";
    /**
     * First key of the two-key advisory lock that serialises the changes of one host across replicas; the second
     * key is the hash of the host name. A namespace of our own keeps clear of other single-key advisory locks
     * (Flyway's, another application's) on the same database.
     */
    private static final int HOST_LOCK_NAMESPACE = 0x51e5;
    private static final String INSERT = "insert into allocation (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "update allocation set allocation_id = ?, host = ?, port = ?,"
            + " service_name = ?, service_type = ?, process_id = ?, allocated_at = ?, last_heartbeat = ?, reserved = ?"
            + " where allocation_id = ?";
    private static final String TOUCH = "update allocation set last_heartbeat = ? where allocation_id = ?";
    private static final String DELETE = "delete from allocation where allocation_id = ?";
    /** PostgreSQL's codes for a transaction that lost a race and may simply be retried. */
    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");

    private final RegistryConfig config;
    private final Instance<AgroalDataSource> sqlite;
    private final Instance<AgroalDataSource> postgresql;
    private final Instance<Flyway> sqliteFlyway;
    private final Instance<Flyway> postgresqlFlyway;
    private final Optional<String> postgresqlUrl;
    /** The transaction of {@link #inHostTransaction} on this thread, which the store calls it makes join. */
    private final ThreadLocal<Connection> hostTransaction = new ThreadLocal<>();
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
            @Default Instance<Flyway> sqliteFlyway,
            @FlywayDataSource("postgresql") Instance<Flyway> postgresqlFlyway,
            @ConfigProperty(name = "quarkus.datasource.postgresql.jdbc.url") Optional<String> postgresqlUrl) {
        this.config = config;
        this.sqlite = sqlite;
        this.postgresql = postgresql;
        this.sqliteFlyway = sqliteFlyway;
        this.postgresqlFlyway = postgresqlFlyway;
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
            try {
                Files.createDirectories(dataDir); // SQLite creates the file but not its directory
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot create data directory " + dataDir.toAbsolutePath()
                        + ": " + e.getMessage(), e);
            }
            lockDataDir(dataDir.toAbsolutePath());
        }
        try {
            // Replicas starting together are safe: Flyway takes its own lock on PostgreSQL while it migrates.
            (isPostgresql() ? postgresqlFlyway : sqliteFlyway).get().migrate();
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot migrate the database at " + location() + ": " + e.getMessage(), e);
        }
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
    public <T> T inHostTransaction(String host, Supplier<T> work) {
        if (hostTransaction.get() != null) {
            throw new IllegalStateException("host transactions do not nest");
        }
        return writeHealth.track(() -> inTransaction("commit the change", connection -> {
            if (isPostgresql()) {
                // Held until commit or rollback. The transaction runs at READ COMMITTED (PostgreSQL's default), so
                // every statement after this one sees what the previous holder of the lock committed.
                try (PreparedStatement lock = connection.prepareStatement(
                        "select pg_advisory_xact_lock(?, hashtext(?))")) {
                    lock.setInt(1, HOST_LOCK_NAMESPACE);
                    lock.setString(2, host);
                    lock.execute();
                }
            }
            // SQLite needs no lock statement: it admits one writer to the whole database at a time.
            hostTransaction.set(connection);
            try {
                return work.get();
            } finally {
                hostTransaction.remove();
            }
        }));
    }

    @Override
    public List<Allocation> loadAll(String host) {
        return select("load allocations", "host = ?", select -> select.setString(1, host));
    }

    @Override
    public Optional<Allocation> findByName(String host, String serviceName) {
        return select("look up a service", "host = ? and service_name = ?", select -> {
            select.setString(1, host);
            select.setString(2, serviceName);
        }).stream().findFirst();
    }

    @Override
    public Optional<Allocation> findByPort(String host, int port) {
        return select("look up a port", "host = ? and port = ?", select -> {
            select.setString(1, host);
            select.setInt(2, port);
        }).stream().findFirst();
    }

    @FunctionalInterface
    private interface Parameters {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private List<Allocation> select(String what, String where, Parameters parameters) {
        return inTransaction(what, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select " + COLUMNS + " from allocation where " + where)) {
                parameters.bind(select);
                try (ResultSet rows = select.executeQuery()) {
                    List<Allocation> allocations = new ArrayList<>();
                    while (rows.next()) {
                        allocations.add(read(rows));
                    }
                    return allocations;
                }
            }
        });
    }

    @Override
    public void write(List<StoreWrite> writes) {
        if (writes.isEmpty()) {
            return;
        }
        Supplier<Void> transaction = () -> inTransaction("write allocations", connection -> {
            // executed in order, since a later write may depend on an earlier one (a port released, then allocated
            // again)
            try (Statements statements = new Statements(connection)) {
                for (StoreWrite write : writes) {
                    apply(write, statements);
                }
            }
            return null;
        });
        if (hostTransaction.get() == null) {
            writeHealth.track(transaction); // else inHostTransaction tracks the commit
        } else {
            transaction.get();
        }
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
            statement.setString(10, update.allocation().allocationId().toString());
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
     * value (Flyway does not use it); PostgreSQL commits a transaction that has an id, which writes its WAL.
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
        statement.setString(1, allocation.allocationId().toString());
        statement.setString(2, allocation.host());
        statement.setInt(3, allocation.port());
        statement.setString(4, allocation.serviceName());
        statement.setString(5, allocation.serviceType().wireName());
        if (allocation.processId().isPresent()) {
            statement.setLong(6, allocation.processId().get());
        } else {
            statement.setNull(6, Types.BIGINT);
        }
        statement.setLong(7, allocation.allocatedAt().toEpochMilli());
        statement.setLong(8, allocation.lastHeartbeat().toEpochMilli());
        statement.setInt(9, allocation.reserved() ? 1 : 0);
    }

    private static Allocation read(ResultSet row) throws SQLException {
        long processId = row.getLong("process_id");
        Optional<Long> process = row.wasNull() ? Optional.empty() : Optional.of(processId);
        String type = row.getString("service_type");
        return new Allocation(
                UUID.fromString(row.getString("allocation_id")),
                row.getString("host"),
                row.getInt("port"),
                row.getString("service_name"),
                ServiceType.fromWireName(type).orElseThrow(
                        () -> new IllegalStateException("stored allocation has unknown service type " + type)),
                process,
                Instant.ofEpochMilli(row.getLong("allocated_at")),
                Instant.ofEpochMilli(row.getLong("last_heartbeat")),
                row.getInt("reserved") != 0);
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
        Connection joined = hostTransaction.get();
        if (joined != null) {
            try {
                return work.run(joined);
            } catch (SQLException e) {
                throw translate(what, e);
            }
        }
        try (Connection connection = dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
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
