package io.sirsi.nexus.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/** The {@code registry_liveness} row: when a registry process was last alive, and when expiry last resumed. */
final class LivenessTable {

    /** See {@link io.sirsi.nexus.registry.AllocationStore#markAlive}. */
    Instant markAlive(StoreTransaction transaction, Instant now, Duration downAfter) throws SQLException {
        Connection connection = transaction.connection();
        // one statement: two processes starting together after an outage agree on one moment (on PostgreSQL the
        // second waits for the first's row lock, then finds the mark fresh)
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
    }
}
