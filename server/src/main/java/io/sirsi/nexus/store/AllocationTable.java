package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.DrainDeadline;
import io.sirsi.nexus.registry.StoreWrite;
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
import java.util.UUID;

/** The {@code allocation} table: one row per allocation, every host's. */
final class AllocationTable {

    private static final String INSERT = "insert into allocation (allocation_id, host, port, service_name,"
            + " service_type, process_id, allocated_at, last_heartbeat, reserved, expired, liveness, check_kind,"
            + " check_path, check_interval_ms, check_timeout_ms, check_status)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "update allocation set allocation_id = ?, host = ?, port = ?,"
            + " service_name = ?, service_type = ?, process_id = ?, allocated_at = ?, last_heartbeat = ?, reserved = ?,"
            + " expired = ?, liveness = ?, check_kind = ?, check_path = ?, check_interval_ms = ?, check_timeout_ms = ?,"
            + " check_status = ? where allocation_id = ?";
    private static final String TOUCH = "update allocation set last_heartbeat = ? where allocation_id = ?";
    private static final String DRAIN = "update allocation set drain_until = ?, drain_reason = ?"
            + " where allocation_id = ?";
    private static final String DELETE = "delete from allocation where allocation_id = ?";
    /** Ids per query when heartbeat times are read back (well within both databases' limits on parameters). */
    private static final int HEARTBEAT_BATCH = 500;

    List<Allocation> all(StoreTransaction transaction) throws SQLException {
        List<Allocation> allocations = new ArrayList<>();
        try (PreparedStatement select = transaction.connection().prepareStatement(
                "select " + RowMapping.ALLOCATION_COLUMNS + " from allocation");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                allocations.add(RowMapping.readAllocation(rows));
            }
        }
        return allocations;
    }

    List<Integer> heldPorts(StoreTransaction transaction, String host) throws SQLException {
        List<Integer> ports = new ArrayList<>();
        try (PreparedStatement select = transaction.connection().prepareStatement(
                "select port from allocation where host = ?")) {
            select.setString(1, host);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ports.add(rows.getInt(1));
                }
            }
        }
        return ports;
    }

    /** Whether the table can be read at all (readiness's check). */
    boolean readable(StoreTransaction transaction) throws SQLException {
        try (PreparedStatement select = transaction.connection().prepareStatement("select count(*) from allocation");
                ResultSet rows = select.executeQuery()) {
            return rows.next();
        }
    }

    /**
     * The stored heartbeat times of these ids: a few queries of many ids rather than one per id, since in a
     * partition the candidates are thousands, read on every expiry pass.
     */
    Map<UUID, Instant> lastHeartbeats(StoreTransaction transaction, List<UUID> ids) throws SQLException {
        Connection connection = transaction.connection();
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
    }

    /** The Draining allocations whose drain time ended at or before the moment (the index on drain_until). */
    List<DrainDeadline> drainsDue(StoreTransaction transaction, Instant now) throws SQLException {
        List<DrainDeadline> due = new ArrayList<>();
        try (PreparedStatement select = transaction.connection().prepareStatement("select allocation_id, host,"
                + " drain_until from allocation where drain_until <= ? order by drain_until")) {
            select.setLong(1, now.toEpochMilli());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    due.add(new DrainDeadline(UUID.fromString(rows.getString(1)), rows.getString(2),
                            Instant.ofEpochMilli(rows.getLong(3))));
                }
            }
        }
        return due;
    }

    /**
     * The order in which a group's batches are sent: every kind that frees a port or a name (delete, then update)
     * before every kind that may take one (update, insert), and the writes that change no unique column (heartbeat
     * and drain times) last. Two writes of different allocations can then only conflict through a port or name that
     * the earlier one took and the later one freed, which cannot happen within one group without a write of the same
     * allocation in between; writes of the same allocation keep their order ({@link #apply}).
     */
    private static final List<String> BATCH_ORDER = List.of(DELETE, UPDATE, INSERT, TOUCH, DRAIN);

    /**
     * Applies the group's writes with the group's statements, as if in their order, in as few round trips as that
     * allows: one JDBC batch per kind of write (on PostgreSQL one round trip rather than one per row, issue 23),
     * sent in {@link #BATCH_ORDER}. A write of an allocation that a pending write of another kind also changes (a
     * port allocated and released in one group) sends what is pending first, so that the two keep their order.
     * Writes to other tables (host maintenance) are left to them.
     */
    void apply(List<StoreWrite> writes, Statements statements) throws SQLException {
        Map<String, PreparedStatement> pending = new HashMap<>();
        Map<UUID, String> pendingKinds = new HashMap<>(); // each allocation with a pending write: of which kind
        for (StoreWrite write : writes) {
            String sql = sql(write);
            if (sql == null) {
                continue; // another table's write (host maintenance)
            }
            List<UUID> ids = allocationIds(write);
            if (ids.stream().map(pendingKinds::get).anyMatch(kind -> kind != null && !kind.equals(sql))) {
                send(pending);
                pendingKinds.clear();
            }
            PreparedStatement statement = statements.get(sql);
            bind(write, statement);
            pending.put(sql, statement);
            ids.forEach(id -> pendingKinds.put(id, sql));
        }
        send(pending);
    }

    private static void send(Map<String, PreparedStatement> pending) throws SQLException {
        for (String sql : BATCH_ORDER) {
            PreparedStatement batch = pending.get(sql);
            if (batch != null) {
                batch.executeBatch();
            }
        }
        pending.clear();
    }

    /** The allocations a write to this table changes. */
    private static List<UUID> allocationIds(StoreWrite write) {
        if (write instanceof StoreWrite.Insert insert) {
            return List.of(insert.allocation().allocationId());
        } else if (write instanceof StoreWrite.Update update) {
            return List.of(update.allocation().allocationId());
        } else if (write instanceof StoreWrite.Touch touch) {
            return List.copyOf(touch.lastHeartbeats().keySet());
        } else if (write instanceof StoreWrite.Drain drain) {
            return List.of(drain.allocationId());
        } else if (write instanceof StoreWrite.Undrain undrain) {
            return List.of(undrain.allocationId());
        } else if (write instanceof StoreWrite.Delete delete) {
            return delete.allocationIds();
        }
        return List.of();
    }

    private static String sql(StoreWrite write) {
        if (write instanceof StoreWrite.Insert) {
            return INSERT;
        } else if (write instanceof StoreWrite.Update) {
            return UPDATE;
        } else if (write instanceof StoreWrite.Touch) {
            return TOUCH;
        } else if (write instanceof StoreWrite.Drain || write instanceof StoreWrite.Undrain) {
            return DRAIN;
        } else if (write instanceof StoreWrite.Delete) {
            return DELETE;
        }
        return null;
    }

    /** Adds the write's rows to the statement's batch. */
    private static void bind(StoreWrite write, PreparedStatement statement) throws SQLException {
        if (write instanceof StoreWrite.Insert insert) {
            RowMapping.bindAllocation(statement, insert.allocation());
            statement.addBatch();
        } else if (write instanceof StoreWrite.Update update) {
            RowMapping.bindAllocation(statement, update.allocation());
            statement.setString(17, update.allocation().allocationId().toString());
            statement.addBatch();
        } else if (write instanceof StoreWrite.Touch touch) {
            for (Map.Entry<UUID, Instant> heartbeat : touch.lastHeartbeats().entrySet()) {
                statement.setLong(1, heartbeat.getValue().toEpochMilli());
                statement.setString(2, heartbeat.getKey().toString());
                statement.addBatch();
            }
        } else if (write instanceof StoreWrite.Drain drain) {
            statement.setLong(1, drain.until().toEpochMilli());
            statement.setString(2, drain.reason().orElse(null));
            statement.setString(3, drain.allocationId().toString());
            statement.addBatch();
        } else if (write instanceof StoreWrite.Undrain undrain) {
            statement.setNull(1, Types.BIGINT);
            statement.setNull(2, Types.VARCHAR);
            statement.setString(3, undrain.allocationId().toString());
            statement.addBatch();
        } else if (write instanceof StoreWrite.Delete delete) {
            for (UUID id : delete.allocationIds()) {
                statement.setString(1, id.toString());
                statement.addBatch();
            }
        }
    }
}
