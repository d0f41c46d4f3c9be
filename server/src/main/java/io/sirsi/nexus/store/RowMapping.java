package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.EventType;
import io.sirsi.nexus.registry.HealthCheck;
import io.sirsi.nexus.registry.Liveness;
import io.sirsi.nexus.registry.Protocol;
import io.sirsi.nexus.registry.ServiceType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Allocations and change events to and from their rows: an allocation row and an event share eight columns in the
 * same order, which {@link #fieldValues} gives and {@link #readFields} reads for both. An event's values
 * ({@link #eventValues}) go one event at a time or, on PostgreSQL, as arrays of a group's.
 */
final class RowMapping {

    /**
     * The columns added after the first schema, the last of both rows and events, in this order: liveness and the
     * check (V5), the protocol (V10).
     */
    static final String LATER_COLUMNS = "liveness, check_kind, check_path, check_interval_ms, check_timeout_ms,"
            + " check_status, protocol";
    static final String ALLOCATION_COLUMNS = "allocation_id, host, port, service_name, service_type, process_id,"
            + " allocated_at, last_heartbeat, reserved, expired, drain_until, " + RowMapping.LATER_COLUMNS;
    /** The columns an allocation's insert and update write: all but the drain's; {@link #allocationValues}. */
    static final String ALLOCATION_WRITE_COLUMNS = "allocation_id, host, port, service_name, service_type,"
            + " process_id, allocated_at, last_heartbeat, reserved, expired, " + RowMapping.LATER_COLUMNS;
    /** An event's columns after its revision, in order; {@link #eventValues} gives their values. */
    static final String EVENT_VALUE_COLUMNS = "type, at, allocation_id, host, port, service_name, service_type,"
            + " process_id, allocated_at, last_heartbeat, status, " + RowMapping.LATER_COLUMNS;
    static final String EVENT_COLUMNS = "revision, " + EVENT_VALUE_COLUMNS;
    /** The JDBC types of the eight columns rows and events share ({@link #fieldValues}), in order. */
    private static final int[] FIELD_TYPES = {Types.VARCHAR, Types.VARCHAR, Types.INTEGER, Types.VARCHAR,
        Types.VARCHAR, Types.BIGINT, Types.BIGINT, Types.BIGINT};
    /** The JDBC types of the {@link #LATER_COLUMNS} ({@link #laterValues}), in order. */
    private static final int[] LATER_TYPES = {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BIGINT,
        Types.BIGINT, Types.VARCHAR, Types.VARCHAR};
    /** The JDBC types of {@link #ALLOCATION_WRITE_COLUMNS}, in order: the fields, reserved, expired, the later. */
    static final int[] ALLOCATION_VALUE_TYPES = joined(FIELD_TYPES, new int[] {Types.INTEGER, Types.INTEGER},
            LATER_TYPES);
    /** The JDBC types of {@link #EVENT_VALUE_COLUMNS}, in order: the type and time, the fields, status, the later. */
    static final int[] EVENT_VALUE_TYPES = joined(new int[] {Types.VARCHAR, Types.BIGINT}, FIELD_TYPES,
            new int[] {Types.VARCHAR}, LATER_TYPES);

    private RowMapping() {
    }

    /**
     * The values of {@link #ALLOCATION_WRITE_COLUMNS}, in order; null where a column is empty. The drain's own
     * columns are left out: {@link io.sirsi.nexus.registry.StoreWrite.Drain} alone writes them, so that an update
     * keeps them.
     */
    static Object[] allocationValues(Allocation allocation) {
        Object[] values = new Object[ALLOCATION_VALUE_TYPES.length];
        Object[] fields = fieldValues(allocation);
        System.arraycopy(fields, 0, values, 0, fields.length);
        values[fields.length] = allocation.reserved() ? 1 : 0;
        values[fields.length + 1] = allocation.expired() ? 1 : 0;
        Object[] later = laterValues(allocation);
        System.arraycopy(later, 0, values, fields.length + 2, later.length);
        return values;
    }

    /** The columns of {@link #EVENT_COLUMNS}, from the first parameter. */
    static void bindEvent(PreparedStatement statement, long revision, ChangeEvent event) throws SQLException {
        statement.setLong(1, revision);
        bind(statement, 2, eventValues(event), EVENT_VALUE_TYPES);
    }

    /** The values of {@link #EVENT_VALUE_COLUMNS}, in order; null where a column is empty. */
    static Object[] eventValues(ChangeEvent event) {
        Allocation allocation = event.allocation();
        Object[] values = new Object[EVENT_VALUE_TYPES.length];
        values[0] = event.type().wireName();
        values[1] = event.at().toEpochMilli();
        Object[] fields = fieldValues(allocation);
        System.arraycopy(fields, 0, values, 2, fields.length);
        values[2 + fields.length] = allocation.status().label();
        Object[] later = laterValues(allocation);
        System.arraycopy(later, 0, values, 3 + fields.length, later.length);
        return values;
    }

    /** The eight columns that rows and events share, in their order; null where a column is empty. */
    private static Object[] fieldValues(Allocation allocation) {
        return new Object[] {allocation.allocationId().toString(), allocation.host(), allocation.port(),
            allocation.serviceName(), allocation.serviceType().wireName(), allocation.processId().orElse(null),
            allocation.allocatedAt().toEpochMilli(), allocation.lastHeartbeat().toEpochMilli()};
    }

    /** The {@link #LATER_COLUMNS}, in order; null where a column is empty. */
    private static Object[] laterValues(Allocation allocation) {
        Optional<HealthCheck> check = allocation.check();
        return new Object[] {allocation.liveness().wireName(), check.map(given -> given.kind().wireName()).orElse(null),
            check.flatMap(HealthCheck::path).orElse(null), check.map(given -> given.interval().toMillis()).orElse(null),
            check.map(given -> given.timeout().toMillis()).orElse(null),
            check.map(given -> given.status().wireName()).orElse(null), allocation.protocol().wireName()};
    }

    /** Binds the values, of these JDBC types, to the parameters from {@code first} on. */
    static void bind(PreparedStatement statement, int first, Object[] values, int[] types)
            throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(first + i, values[i], types[i]);
        }
    }

    /**
     * PostgreSQL's parameters of one array per column, cast to the columns' types ({@code ?::bigint[], ...}), for
     * {@code unnest}: a group's rows as one statement, rather than a statement per row.
     */
    static String arrayParameters(int[] types) {
        StringBuilder parameters = new StringBuilder();
        for (int type : types) {
            parameters.append(parameters.length() == 0 ? "" : ", ").append("?::").append(arrayElement(type))
                    .append("[]");
        }
        return parameters.toString();
    }

    /**
     * Binds rows, each of the types' values in order, as one array per column to the parameters from
     * {@code first} on ({@link #arrayParameters}).
     */
    static void bindArrays(PreparedStatement statement, int first, int[] types, List<Object[]> rows)
            throws SQLException {
        for (int column = 0; column < types.length; column++) {
            Object[] values = typedArray(types[column], rows.size());
            for (int row = 0; row < values.length; row++) {
                values[row] = rows.get(row)[column];
            }
            statement.setObject(first + column, values);
        }
    }

    /** Binds the strings as one {@code varchar[]} parameter, sent as {@link #typedArray} says. */
    static void bindStrings(PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        statement.setObject(index, values.toArray(String[]::new));
    }

    /**
     * An array the driver sends in PostgreSQL's binary format: {@code Long[]}, {@code Integer[]}, {@code String[]}
     * are, where an {@code Object[]} made into a {@link java.sql.Array} goes as text, escaped element by element by
     * the driver and parsed by the server's {@code array_in}, which was 5 % of its time under two replicas'
     * registrations (issue 23, seventeenth session).
     */
    private static Object[] typedArray(int jdbcType, int length) {
        return switch (jdbcType) {
            case Types.BIGINT -> new Long[length];
            case Types.INTEGER -> new Integer[length];
            case Types.VARCHAR -> new String[length];
            default -> throw new IllegalArgumentException("no array type for JDBC type " + jdbcType);
        };
    }

    private static String arrayElement(int jdbcType) {
        return switch (jdbcType) {
            case Types.BIGINT -> "bigint";
            case Types.INTEGER -> "integer";
            case Types.VARCHAR -> "varchar";
            default -> throw new IllegalArgumentException("no array type for JDBC type " + jdbcType);
        };
    }

    private static int[] joined(int[]... parts) {
        int length = 0;
        for (int[] part : parts) {
            length += part.length;
        }
        int[] all = new int[length];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    static Allocation readAllocation(ResultSet row) throws SQLException {
        row.getLong("drain_until");
        boolean draining = !row.wasNull();
        return readFields(row, row.getInt("reserved") != 0 ? AllocationStatus.RESERVED
                : draining ? AllocationStatus.DRAINING
                : row.getInt("expired") != 0 ? AllocationStatus.EXPIRED : AllocationStatus.ACTIVE);
    }

    static ChangeEvent readEvent(ResultSet row) throws SQLException {
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
                status,
                liveness(row.getString("liveness")),
                check(row),
                protocol(row.getString("protocol")));
    }

    /** The stored check; a kind this build does not know reads as no check (a newer replica's). */
    private static Optional<HealthCheck> check(ResultSet row) throws SQLException {
        Optional<HealthCheck.Kind> kind = Optional.ofNullable(row.getString("check_kind"))
                .flatMap(HealthCheck.Kind::fromWireName);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HealthCheck(kind.get(), Optional.ofNullable(row.getString("check_path")),
                Duration.ofMillis(row.getLong("check_interval_ms")), Duration.ofMillis(row.getLong("check_timeout_ms")),
                Optional.ofNullable(row.getString("check_status")).flatMap(HealthCheck.Status::fromWireName)
                        .orElse(HealthCheck.Status.PENDING)));
    }

    /** A kind this build does not know (a newer replica's) is taken as heartbeats, the rule every build knows. */
    private static Liveness liveness(String stored) {
        return Liveness.fromWireName(stored).orElse(Liveness.HEARTBEAT);
    }

    /**
     * A protocol this build does not know (a newer replica's) is taken as TCP: its agent then judges it as this build
     * judged every allocation before protocols.
     */
    private static Protocol protocol(String stored) {
        return Protocol.fromWireName(stored).orElse(Protocol.TCP);
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
}
