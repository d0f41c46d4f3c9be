package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's own migrations on real SQLite files: a fresh database gets every script once, a second run finds
 * nothing to do, a database that Flyway migrated (earlier builds) is taken as it is, and a schema this build cannot
 * use stops it with a reason.
 */
class SchemaMigrationsTest {

    /** Only its migration lock and column types are used: no data directory, no datasource. */
    private static final Dialect SQLITE = new SqliteDialect("unused", null);
    /**
     * What Flyway wrote in flyway_schema_history for these scripts (read from a database it migrated); V4 and later
     * were never Flyway's: the same function, computed here.
     */
    private static final List<Integer> FLYWAY_CHECKSUMS = List.of(-1166708672, 1929001321, 305448426,
            644564940, 1307963049, -44081620, -1713356625, 167553153, -2120935806, 1334678308);

    @TempDir
    Path dir;

    @Test
    void checksumsAreFlywaysSoEitherReadsTheOthersHistory() {
        assertEquals(FLYWAY_CHECKSUMS, SchemaMigrations.known().stream().map(SchemaMigrations.Migration::checksum)
                .toList());
    }

    @Test
    void everyScriptInTheDirectoryIsListedInOrder() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources", SchemaMigrations.LOCATION))) {
            List<String> present = files.map(file -> file.getFileName().toString()).sorted((a, b) -> Integer.compare(
                    version(a), version(b))).toList();
            assertEquals(present, SchemaMigrations.SCRIPTS);
        }
    }

    @Test
    void aFreshDatabaseGetsEveryScriptOnceAndASecondRunNothing() throws Exception {
        try (Connection connection = open("fresh")) {
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), versions(migrate(connection)));
            assertEquals(List.of(), versions(migrate(connection)));
            assertEquals(1, count(connection, "select count(*) from change_log_head"));
            assertEquals(10, count(connection, "select count(*) from flyway_schema_history where success"));
        }
    }

    @Test
    void aDatabaseFlywayMigratedIsTakenAsItIs() throws Exception {
        try (Connection connection = open("flyway")) {
            flywayMigrated(connection, 3);
            assertEquals(List.of(4, 5, 6, 7, 8, 9, 10), versions(migrate(connection))); // V4 and later came after Flyway
        }
        try (Connection connection = open("flyway-older")) {
            flywayMigrated(connection, 2);
            assertEquals(List.of(3, 4, 5, 6, 7, 8, 9, 10), versions(migrate(connection)));
            assertEquals(10, count(connection, "select max(installed_rank) from flyway_schema_history"));
        }
    }

    /**
     * V8 moved the history by service and by port from two indexes of the log to tables of keys written behind it:
     * a log that was there before keeps its whole history, keyed at once, and SQLite stores each table as its key.
     */
    @Test
    void theHistoryOfALogMigratedToKeysIsKeyedWhole() throws Exception {
        try (Connection connection = open("keys")) {
            flywayMigrated(connection, 7);
            execute(connection, "insert into change_event (revision, type, at, allocation_id, host, port, service_name,"
                    + " service_type, allocated_at, last_heartbeat, status) values"
                    + " (1, 'allocated', 1, 'a', 'local', 5001, 'web', 'custom', 1, 1, 'active'),"
                    + " (2, 'released', 2, 'a', 'local', 5001, 'web', 'custom', 1, 1, 'released'),"
                    + " (3, 'allocated', 3, 'b', 'local', 5001, 'api', 'custom', 3, 3, 'active')");
            execute(connection, "update change_log_head set revision = 3");
            connection.commit();
            assertEquals(List.of(8, 9, 10), versions(migrate(connection)));
            assertEquals(2, count(connection, "select count(*) from service_history where service_name = 'web'"));
            assertEquals(3, count(connection, "select count(*) from port_history where port = 5001"));
            assertEquals(3, count(connection, "select indexed from history_mark"));
            assertEquals(0, count(connection, "select count(*) from sqlite_schema where name in"
                    + " ('change_event_service', 'change_event_port')"), "the log's history indexes are gone");
            assertEquals(2, count(connection, "select count(*) from sqlite_schema where sql like '%without rowid%'"));
        }
    }

    @Test
    void aSchemaThisBuildCannotUseStopsItWithAReason() throws Exception {
        try (Connection connection = open("newer")) {
            flywayMigrated(connection, 3);
            history(connection, 11, "11", "db/migration/V11__later.sql", 0, true);
            assertTrue(refused(connection).contains("a newer sirsi-nexus migrated it"));
        }
        try (Connection connection = open("changed")) {
            flywayMigrated(connection, 2);
            execute(connection, "update flyway_schema_history set checksum = 42 where version = '2'");
            assertTrue(refused(connection).contains("V2__change_log.sql differs from the one applied"));
        }
        try (Connection connection = open("gap")) {
            flywayMigrated(connection, 3);
            execute(connection, "delete from flyway_schema_history where version = '2'");
            assertTrue(refused(connection).contains("V2__change_log.sql was never applied"));
        }
        try (Connection connection = open("failed")) {
            flywayMigrated(connection, 2);
            execute(connection, "update flyway_schema_history set success = 0 where version = '2'");
            assertTrue(refused(connection).contains("failed when it was applied"));
        }
    }

    @Test
    void statementsSplitAtTheSemicolonThatEndsALine() {
        assertEquals(List.of("create table a (x integer)", "insert into a values (1)"),
                SchemaMigrations.statements(List.of("-- a comment; not a statement", "create table a (", "x integer",
                        ");", "", "insert into a values (1);")).stream().map(sql -> sql.replace("\n", " ")
                        .replace("( ", "(").replace(" )", ")")).toList());
    }

    private Connection open(String name) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name + ".db"));
        connection.setAutoCommit(false);
        return connection;
    }

    private static List<SchemaMigrations.Migration> migrate(Connection connection) throws SQLException {
        List<SchemaMigrations.Migration> applied = SchemaMigrations.migrate(connection, SQLITE);
        connection.commit();
        return applied;
    }

    private static String refused(Connection connection) {
        String message = assertThrows(IllegalStateException.class, () -> SchemaMigrations.migrate(connection, SQLITE))
                .getMessage();
        try {
            connection.rollback();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return message;
    }

    /** The schema as an earlier build left it: the scripts up to a version applied, and Flyway's own table. */
    private static void flywayMigrated(Connection connection, int upTo) throws SQLException {
        execute(connection, """
                CREATE TABLE "flyway_schema_history" (
                    "installed_rank" INT NOT NULL PRIMARY KEY,
                    "version" VARCHAR(50),
                    "description" VARCHAR(200) NOT NULL,
                    "type" VARCHAR(20) NOT NULL,
                    "script" VARCHAR(1000) NOT NULL,
                    "checksum" INT,
                    "installed_by" VARCHAR(100) NOT NULL,
                    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
                    "execution_time" INT NOT NULL,
                    "success" BOOLEAN NOT NULL
                )""");
        for (SchemaMigrations.Migration migration : SchemaMigrations.known()) {
            if (migration.version() <= upTo) {
                for (String sql : migration.statements()) {
                    execute(connection, sql);
                }
                history(connection, migration.version(), Integer.toString(migration.version()), migration.script(),
                        FLYWAY_CHECKSUMS.get(migration.version() - 1), true);
            }
        }
        connection.commit();
    }

    private static void history(Connection connection, int rank, String version, String script, int checksum,
            boolean success) throws SQLException {
        execute(connection, "insert into flyway_schema_history (installed_rank, version, description, type, script,"
                + " checksum, installed_by, execution_time, success) values (" + rank + ", '" + version + "', 'x',"
                + " 'SQL', '" + script + "', " + checksum + ", '', 1, " + (success ? 1 : 0) + ")");
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static List<Integer> versions(List<SchemaMigrations.Migration> migrations) {
        List<Integer> versions = new ArrayList<>();
        migrations.forEach(migration -> versions.add(migration.version()));
        return versions;
    }

    private static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }
}
