package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.Maintenance;
import io.sirsi.nexus.registry.StoreWrite;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The {@code host_maintenance} table: one row per host put in maintenance (kept after it ends, until replaced). */
final class MaintenanceTable {

    private static final String SELECT = "select host, until, reason from host_maintenance";
    private static final String DELETE = "delete from host_maintenance where host = ?";
    private static final String DELETE_ENDED = "delete from host_maintenance where until <= ?";
    private static final String INSERT = "insert into host_maintenance (host, until, reason) values (?, ?, ?)";

    List<Maintenance> all(StoreTransaction transaction) throws SQLException {
        List<Maintenance> all = new ArrayList<>();
        try (PreparedStatement select = transaction.connection().prepareStatement(SELECT);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                all.add(read(rows));
            }
        }
        return all;
    }

    Optional<Maintenance> of(StoreTransaction transaction, String host) throws SQLException {
        try (PreparedStatement select = transaction.connection().prepareStatement(SELECT + " where host = ?")) {
            select.setString(1, host);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    /**
     * The maintenances of these hosts, read in the exchange and handed to {@code read} once it is sent; a host
     * without a row is left out.
     */
    void of(Exchange exchange, Collection<String> hosts, Consumer<List<Maintenance>> read) {
        exchange.query(SELECT + " where host = any(?::varchar[])",
                (statement, first) -> RowMapping.bindStrings(statement, first, hosts),
                rows -> {
                    List<Maintenance> found = new ArrayList<>();
                    while (rows.next()) {
                        found.add(read(rows));
                    }
                    read.accept(found);
                });
    }

    /** Applies one write with the batch's statements; a new maintenance replaces the host's old one. */
    void apply(StoreWrite write, Statements statements) throws SQLException {
        if (write instanceof StoreWrite.Maintain maintain) {
            Maintenance maintenance = maintain.maintenance();
            delete(statements, maintenance.host());
            PreparedStatement ended = statements.get(DELETE_ENDED);
            ended.setLong(1, maintain.now().toEpochMilli());
            ended.executeUpdate();
            PreparedStatement insert = statements.get(INSERT);
            insert.setString(1, maintenance.host());
            insert.setLong(2, maintenance.until().toEpochMilli());
            insert.setString(3, maintenance.reason().orElse(null));
            insert.executeUpdate();
        } else if (write instanceof StoreWrite.EndMaintenance end) {
            delete(statements, end.host());
        }
    }

    private static void delete(Statements statements, String host) throws SQLException {
        PreparedStatement delete = statements.get(DELETE);
        delete.setString(1, host);
        delete.executeUpdate();
    }

    private static Maintenance read(ResultSet row) throws SQLException {
        return new Maintenance(row.getString("host"), Instant.ofEpochMilli(row.getLong("until")),
                Optional.ofNullable(row.getString("reason")));
    }
}
