package io.sirsi.nexus.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A database of the tests' own: SQLite in memory, every migration applied, a transaction open. */
final class MigratedSqlite {

    private MigratedSqlite() {
    }

    static Connection open() throws SQLException {
        Connection database = DriverManager.getConnection("jdbc:sqlite::memory:");
        database.setAutoCommit(false);
        SchemaMigrations.migrate(database, new SqliteDialect("unused", null));
        return database;
    }
}
