package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sirsi.nexus.registry.Maintenance;
import io.sirsi.nexus.registry.StoreWrite;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Host maintenances are stored until they are replaced; an ended one has no effect, so each new maintenance forgets
 * the ended ones of every host: a writer putting ever new names in short maintenances does not grow the table.
 */
class MaintenanceTableTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private Connection database;

    @BeforeEach
    void open() throws SQLException {
        database = MigratedSqlite.open();
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void aNewMaintenanceForgetsTheEndedOnesOfEveryHost() throws SQLException {
        MaintenanceTable table = new MaintenanceTable();
        for (int i = 0; i < 5; i++) {
            maintain(table, "short-" + i, NOW.plusSeconds(i), Duration.ofMillis(1));
        }
        maintain(table, "long", NOW.plusSeconds(5), Duration.ofHours(1));
        maintain(table, "later", NOW.plusSeconds(10), Duration.ofHours(1));

        assertEquals(List.of("later", "long"), table.all(new StoreTransaction(database)).stream()
                .map(Maintenance::host).sorted().toList());
    }

    private void maintain(MaintenanceTable table, String host, Instant at, Duration length) throws SQLException {
        table.apply(new StoreWrite.Maintain(new Maintenance(host, at.plus(length), Optional.empty()), at),
                new Statements(database));
    }
}
