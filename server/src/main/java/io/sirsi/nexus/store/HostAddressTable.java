package io.sirsi.nexus.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code host_addresses} table: one row per host whose agent reported addresses, the last set it reported. */
final class HostAddressTable {

    private static final String SELECT = "select host, addresses from host_addresses";
    private static final String DELETE = "delete from host_addresses where host = ?";
    private static final String INSERT = "insert into host_addresses (host, addresses, reported_at) values (?, ?, ?)";
    /** The registry stores canonical IP addresses only, which never hold a comma: the list is one column. */
    private static final String SEPARATOR = ",";

    Map<String, List<String>> all(StoreTransaction transaction) throws SQLException {
        Map<String, List<String>> all = new TreeMap<>();
        try (PreparedStatement select = transaction.connection().prepareStatement(SELECT);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String addresses = rows.getString("addresses");
                all.put(rows.getString("host"), addresses.isEmpty() ? List.of()
                        : List.of(addresses.split(SEPARATOR)));
            }
        }
        return all;
    }

    /** Replaces the host's row; a host that reports no address keeps an empty one, so that it is not read back. */
    Void put(StoreTransaction transaction, String host, List<String> addresses, Instant at) throws SQLException {
        try (PreparedStatement delete = transaction.connection().prepareStatement(DELETE)) {
            delete.setString(1, host);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = transaction.connection().prepareStatement(INSERT)) {
            insert.setString(1, host);
            insert.setString(2, String.join(SEPARATOR, addresses));
            insert.setLong(3, at.toEpochMilli());
            insert.executeUpdate();
        }
        return null;
    }
}
