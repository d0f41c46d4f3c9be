package io.sirsi.nexus.store;

import io.agroal.api.AgroalDataSource;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.PortUnavailableException;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/** The allocation store on a JDBC database (SQLite by default), with its schema kept by Flyway. */
@ApplicationScoped
public class JdbcAllocationStore implements AllocationStore {

    private static final Logger LOG = Logger.getLogger(JdbcAllocationStore.class);
    private static final String COLUMNS =
            "allocation_id, host, port, service_name, service_type, process_id, allocated_at, last_heartbeat, reserved";

    /** Instances: client commands deactivate the datasource and its Flyway, and never use this store. */
    private final Instance<AgroalDataSource> dataSource;
    private final Instance<Flyway> flyway;
    private final RegistryConfig config;

    public JdbcAllocationStore(Instance<AgroalDataSource> dataSource, Instance<Flyway> flyway, RegistryConfig config) {
        this.dataSource = dataSource;
        this.flyway = flyway;
        this.config = config;
    }

    @Override
    public void open() {
        Path dataDir = Path.of(config.dataDir());
        try {
            Files.createDirectories(dataDir); // SQLite creates the file but not its directory
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create data directory " + dataDir.toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
        try {
            flyway.get().migrate();
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot migrate the database at " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Allocation> loadAll(String host) {
        return inTransaction("load allocations", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select " + COLUMNS + " from allocation where host = ?")) {
                select.setString(1, host);
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
    public void insert(Allocation allocation) {
        inTransaction("store allocation", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into allocation (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, allocation);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void update(Allocation allocation) {
        inTransaction("update allocation", connection -> {
            try (PreparedStatement update = connection.prepareStatement("update allocation set allocation_id = ?,"
                    + " host = ?, port = ?, service_name = ?, service_type = ?, process_id = ?, allocated_at = ?,"
                    + " last_heartbeat = ?, reserved = ? where allocation_id = ?")) {
                bind(update, allocation);
                update.setString(10, allocation.allocationId().toString());
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void touch(UUID allocationId, Instant at) {
        inTransaction("record heartbeat", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "update allocation set last_heartbeat = ? where allocation_id = ?")) {
                update.setLong(1, at.toEpochMilli());
                update.setString(2, allocationId.toString());
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void delete(Collection<UUID> allocationIds) {
        if (allocationIds.isEmpty()) {
            return;
        }
        inTransaction("delete allocations", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from allocation where allocation_id = ?")) {
                for (UUID id : allocationIds) {
                    delete.setString(1, id.toString());
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void ping() {
        inTransaction("check the database", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select count(*) from allocation");
                    ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        });
    }

    @Override
    public String location() {
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

    /** Runs the work in one transaction: it commits whole, or rolls back and throws having changed nothing. */
    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection connection = dataSource.get().getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (isConstraintViolation(e)) {
                throw new PortUnavailableException("the port or service name was taken at the same moment by another"
                        + " request; retry");
            }
            LOG.errorf(e, "Cannot %s in %s", what, location());
            throw new StoreUnavailableException("the registry cannot " + what
                    + ": its database is unavailable; nothing was changed", e);
        }
    }

    private static boolean isConstraintViolation(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("23")) || e.getErrorCode() == 19 /* SQLITE_CONSTRAINT */;
    }
}
