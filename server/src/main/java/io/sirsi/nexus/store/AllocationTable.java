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
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code allocation} table: one row per allocation, every host's. */
final class AllocationTable {

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
     * A kind of write to this table, with its SQL for one row (a JDBC batch of it on SQLite) and for many rows as
     * one array per column (one statement on PostgreSQL, in the group's {@link Exchange}), and the JDBC types of a
     * row's values, in the order of the row statement's parameters. The kinds are declared in the order a group's
     * batches are sent: every kind that frees a port or a name (delete, then update) before every kind that may take
     * one (update, insert), and the writes that change no unique column (heartbeat and drain times) last. Two writes
     * of different allocations can then only conflict through a port or name that the earlier one took and the later
     * one freed, which cannot happen within one group without a write of the same allocation in between; writes of
     * the same allocation keep their order ({@link #apply}).
     */
    private enum Kind {
        DELETE("delete from allocation where allocation_id = ?",
                "delete from allocation where allocation_id = any(%s)", true, Types.VARCHAR),
        UPDATE("update allocation set " + assigned(RowMapping.ALLOCATION_WRITE_COLUMNS, "?")
                + " where allocation_id = ?",
                "update allocation set " + assigned(RowMapping.ALLOCATION_WRITE_COLUMNS, "given.")
                        + " from unnest(%s) as given(" + RowMapping.ALLOCATION_WRITE_COLUMNS + ", id)"
                        + " where allocation.allocation_id = given.id",
                true, withId(RowMapping.ALLOCATION_VALUE_TYPES)),
        INSERT("insert into allocation (" + RowMapping.ALLOCATION_WRITE_COLUMNS + ") values ("
                + "?, ".repeat(RowMapping.ALLOCATION_VALUE_TYPES.length - 1) + "?)",
                "insert into allocation (" + RowMapping.ALLOCATION_WRITE_COLUMNS + ") select * from unnest(%s)",
                false, RowMapping.ALLOCATION_VALUE_TYPES),
        TOUCH("update allocation set last_heartbeat = ? where allocation_id = ?",
                "update allocation set last_heartbeat = given.at from unnest(%s) as given(at, id)"
                        + " where allocation.allocation_id = given.id",
                true, Types.BIGINT, Types.VARCHAR),
        DRAIN("update allocation set drain_until = ?, drain_reason = ? where allocation_id = ?",
                "update allocation set drain_until = given.until, drain_reason = given.reason"
                        + " from unnest(%s) as given(until, reason, id) where allocation.allocation_id = given.id",
                true, Types.BIGINT, Types.VARCHAR, Types.VARCHAR);

        final String rowSql;
        /** Over one array per column, typed from {@link #types}. */
        final String arraySql;
        /**
         * Whether a row's last value is the allocation id it changes, and the last of two rows of one id wins, as
         * it would row by row: an update over arrays that joins one row twice applies either, so the array form
         * keeps the last only.
         */
        final boolean lastWinsById;
        final int[] types;

        /** {@code arraySql} with {@code %s} where the arrays' parameters go. */
        Kind(String rowSql, String arraySql, boolean lastWinsById, int... types) {
            this.rowSql = rowSql;
            this.arraySql = arraySql.formatted(RowMapping.arrayParameters(types));
            this.lastWinsById = lastWinsById;
            this.types = types;
        }
    }

    private static int[] withId(int[] types) {
        int[] withId = Arrays.copyOf(types, types.length + 1);
        withId[types.length] = Types.VARCHAR;
        return withId;
    }

    /** "column = ?, ..." or, with a prefix, "column = prefix.column, ...". */
    private static String assigned(String columns, String value) {
        StringBuilder assigned = new StringBuilder();
        for (String column : columns.split(", ")) {
            assigned.append(assigned.length() == 0 ? "" : ", ").append(column).append(" = ")
                    .append(value.equals("?") ? value : value + column);
        }
        return assigned.toString();
    }

    /** Rows of one kind of write, sent together. */
    private record Batch(Kind kind, List<Object[]> rows) {
    }

    private final boolean arrays;

    /** {@code arrays}: each batch as one statement over arrays in the group's exchange (PostgreSQL's SQL). */
    AllocationTable(boolean arrays) {
        this.arrays = arrays;
    }

    /**
     * Applies the group's writes as if in their order, in as few statements as that allows: one batch per kind of
     * write, the kinds in their declared order (issue 23). A write of an allocation that a pending write of another
     * kind also changes (a port allocated and released in one group) sends what is pending first, so that the two
     * keep their order. On SQLite each batch runs at once as a JDBC batch; with {@code arrays} each is one statement
     * added to the exchange, sent with the group's other statements in one round trip. Writes to other tables (host
     * maintenance) are left to them.
     */
    void apply(List<StoreWrite> writes, Statements statements, Exchange exchange) throws SQLException {
        for (Batch batch : batches(writes)) {
            if (arrays) {
                List<Object[]> rows = batch.kind().lastWinsById ? lastById(batch.rows()) : batch.rows();
                exchange.update(batch.kind().arraySql,
                        (statement, first) -> RowMapping.bindArrays(statement, first, batch.kind().types, rows));
            } else {
                PreparedStatement statement = statements.get(batch.kind().rowSql);
                for (Object[] row : batch.rows()) {
                    RowMapping.bind(statement, 1, row, batch.kind().types);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        }
    }

    /** The writes' rows as batches, in the order they are to be sent. */
    private static List<Batch> batches(List<StoreWrite> writes) {
        List<Batch> batches = new ArrayList<>();
        Map<Kind, List<Object[]>> pending = new EnumMap<>(Kind.class);
        Map<UUID, Kind> pendingKinds = new HashMap<>(); // each allocation with a pending write: of which kind
        for (StoreWrite write : writes) {
            Kind kind = kind(write);
            if (kind == null) {
                continue; // another table's write (host maintenance)
            }
            List<UUID> ids = allocationIds(write);
            if (ids.stream().map(pendingKinds::get).anyMatch(other -> other != null && other != kind)) {
                pending.forEach((pendingKind, rows) -> batches.add(new Batch(pendingKind, rows)));
                pending.clear();
                pendingKinds.clear();
            }
            pending.computeIfAbsent(kind, any -> new ArrayList<>()).addAll(rows(write));
            ids.forEach(id -> pendingKinds.put(id, kind));
        }
        pending.forEach((kind, rows) -> batches.add(new Batch(kind, rows))); // an EnumMap: in the kinds' order
        return batches;
    }

    /** The rows, each id's last only, in the order of their last rows. */
    private static List<Object[]> lastById(List<Object[]> rows) {
        Map<Object, Object[]> last = new LinkedHashMap<>();
        for (Object[] row : rows) {
            Object id = row[row.length - 1];
            last.remove(id);
            last.put(id, row);
        }
        return last.size() == rows.size() ? rows : List.copyOf(last.values());
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

    private static Kind kind(StoreWrite write) {
        if (write instanceof StoreWrite.Insert) {
            return Kind.INSERT;
        } else if (write instanceof StoreWrite.Update) {
            return Kind.UPDATE;
        } else if (write instanceof StoreWrite.Touch) {
            return Kind.TOUCH;
        } else if (write instanceof StoreWrite.Drain || write instanceof StoreWrite.Undrain) {
            return Kind.DRAIN;
        } else if (write instanceof StoreWrite.Delete) {
            return Kind.DELETE;
        }
        return null;
    }

    /** The write's rows: each the values of its kind's row statement, in order. */
    private static List<Object[]> rows(StoreWrite write) {
        if (write instanceof StoreWrite.Insert insert) {
            return List.<Object[]>of(RowMapping.allocationValues(insert.allocation()));
        } else if (write instanceof StoreWrite.Update update) {
            Object[] values = RowMapping.allocationValues(update.allocation());
            Object[] row = Arrays.copyOf(values, values.length + 1);
            row[values.length] = update.allocation().allocationId().toString();
            return List.<Object[]>of(row);
        } else if (write instanceof StoreWrite.Touch touch) {
            List<Object[]> rows = new ArrayList<>(touch.lastHeartbeats().size());
            touch.lastHeartbeats().forEach((id, at) -> rows.add(new Object[] {at.toEpochMilli(), id.toString()}));
            return rows;
        } else if (write instanceof StoreWrite.Drain drain) {
            return List.<Object[]>of(new Object[] {drain.until().toEpochMilli(), drain.reason().orElse(null),
                drain.allocationId().toString()});
        } else if (write instanceof StoreWrite.Undrain undrain) {
            return List.<Object[]>of(new Object[] {null, null, undrain.allocationId().toString()});
        } else if (write instanceof StoreWrite.Delete delete) {
            return delete.allocationIds().stream().map(id -> new Object[] {id.toString()}).toList();
        }
        return List.of();
    }
}
