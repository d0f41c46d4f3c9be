package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The SQLite settings durability rests on, read back from the registry's own connection: the driver applies the
 * URL's settings itself, in an order of its own, so a setting that silently did not apply must show here.
 */
@QuarkusTest
class SqliteSettingsTest {

    @Inject
    Instance<AgroalDataSource> sqlite;

    @ConfigProperty(name = "sirsi.ports.store")
    String store;

    @Test
    void walFullSyncAndForeignKeys() throws Exception {
        Assumptions.assumeTrue("sqlite".equals(store), "SQLite settings; this run is on " + store);
        try (Connection connection = sqlite.get().getConnection()) {
            assertEquals("wal", pragma(connection, "journal_mode"));
            assertEquals("2", pragma(connection, "synchronous"), "synchronous=FULL: every commit fsynced");
            assertEquals("1", pragma(connection, "foreign_keys"));
        }
    }

    private static String pragma(Connection connection, String name) throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("pragma " + name)) {
            result.next();
            return result.getString(1);
        }
    }
}
