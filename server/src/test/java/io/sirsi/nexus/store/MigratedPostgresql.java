package io.sirsi.nexus.store;

import io.sirsi.nexus.TestPostgresql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * A PostgreSQL schema of the tests' own, emptied and every migration applied, a transaction open: for the store's
 * PostgreSQL SQL, tested on the server itself in the suite's PostgreSQL run ({@link #wanted}).
 */
final class MigratedPostgresql {

    private static final String SCHEMA = "store_sql_test";

    private MigratedPostgresql() {
    }

    /** Whether this run of the suite is its PostgreSQL run (pom.xml's {@code postgresql} profile). */
    static boolean wanted() {
        return "postgresql".equals(System.getProperty("sirsi.ports.store"));
    }

    static Connection open() throws SQLException {
        Connection database = connect();
        try (Statement statement = database.createStatement()) {
            statement.execute("drop schema if exists " + SCHEMA + " cascade");
            statement.execute("create schema " + SCHEMA);
        }
        database.setSchema(SCHEMA);
        database.setAutoCommit(false);
        SchemaMigrations.migrate(database, new PostgresqlDialect(Optional.empty(), null));
        database.commit();
        return database;
    }

    /** A second connection to the schema {@link #open} made, as another replica's, a transaction open. */
    static Connection another() throws SQLException {
        Connection database = connect();
        database.setSchema(SCHEMA);
        database.setAutoCommit(false);
        return database;
    }

    private static Connection connect() throws SQLException {
        TestPostgresql server = TestPostgresql.require();
        return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
    }
}
