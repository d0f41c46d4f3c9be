package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.EventType;
import io.sirsi.nexus.registry.Liveness;
import io.sirsi.nexus.registry.ServiceType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Allocations and change events to and from their rows: an allocation row and an event share eight columns in the
 * same order, which {@link #bindFields} and {@link #readFields} write and read for both.
 */
final class RowMapping {

    static final String ALLOCATION_COLUMNS = "allocation_id, host, port, service_name, service_type, process_id,"
            + " allocated_at, last_heartbeat, reserved, expired, drain_until, liveness";
    static final String EVENT_COLUMNS = "revision, type, at, allocation_id, host, port, service_name,"
            + " service_type, process_id, allocated_at, last_heartbeat, status, liveness";

    private RowMapping() {
    }

    /**
     * The columns of {@link #ALLOCATION_COLUMNS} but the drain's, from the first parameter (liveness the eleventh):
     * the drain's own columns are written by {@link io.sirsi.nexus.registry.StoreWrite.Drain} alone, so that an
     * update keeps them.
     */
    static void bindAllocation(PreparedStatement statement, Allocation allocation) throws SQLException {
        bindFields(statement, 1, allocation);
        statement.setInt(9, allocation.reserved() ? 1 : 0);
        statement.setInt(10, allocation.expired() ? 1 : 0);
        statement.setString(11, allocation.liveness().wireName());
    }

    /** The thirteen columns of {@link #EVENT_COLUMNS}, from the first parameter. */
    static void bindEvent(PreparedStatement statement, long revision, ChangeEvent event) throws SQLException {
        statement.setLong(1, revision);
        statement.setString(2, event.type().wireName());
        statement.setLong(3, event.at().toEpochMilli());
        bindFields(statement, 4, event.allocation());
        statement.setString(12, event.allocation().status().label());
        statement.setString(13, event.allocation().liveness().wireName());
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
                liveness(row.getString("liveness")));
    }

    /** A kind this build does not know (a newer replica's) is taken as heartbeats, the rule every build knows. */
    private static Liveness liveness(String stored) {
        return Liveness.fromWireName(stored).orElse(Liveness.HEARTBEAT);
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
