package io.sirsi.nexus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the replica tests run on, named by libpq's variables (PGHOST, PGPORT, PGDATABASE,
 * PGUSER, PGPASSWORD) as {@code .ci/run} sets them. Without PGHOST the tests are skipped with a message, except
 * under CI, where a missing server is a failure. Stopping and starting the server runs the commands in
 * SIRSI_TEST_PG_STOP and SIRSI_TEST_PG_START (defaults: Debian's {@code pg_ctlcluster 15 main}).
 */
public record TestPostgresql(String host, String port, String database, String user, String password) {

    /** The configured server; skips the calling test when there is none (fails it under CI). */
    public static TestPostgresql require() {
        Map<String, String> env = System.getenv();
        Optional<String> host = Optional.ofNullable(env.get("PGHOST")).filter(h -> !h.isBlank());
        if (host.isEmpty()) {
            String message = "PGHOST is not set: no PostgreSQL server to run the replica tests on"
                    + " (.ci/run installs and starts one)";
            if ("true".equals(env.get("CI"))) {
                Assertions.fail(message);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        return new TestPostgresql(host.get(), env.getOrDefault("PGPORT", "5432"),
                env.getOrDefault("PGDATABASE", "sirsi"), env.getOrDefault("PGUSER", "sirsi"),
                env.getOrDefault("PGPASSWORD", ""));
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The settings that make a registry process use this server. */
    public String[] registryProperties(String... more) {
        List<String> properties = new java.util.ArrayList<>(List.of("-Dsirsi.ports.store=postgresql",
                "-Dquarkus.datasource.postgresql.jdbc.url=" + jdbcUrl(),
                "-Dquarkus.datasource.postgresql.username=" + user,
                "-Dquarkus.datasource.postgresql.password=" + password));
        properties.addAll(List.of(more));
        return properties.toArray(String[]::new);
    }

    /** Drops the registry's tables, so the next registry starts on an empty, freshly migrated database. */
    public void empty() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), user, password)) {
            dropTables(connection);
        }
    }

    /**
     * Drops every table of the connection's schema: the registry's, whatever its migrations made (a list here went
     * stale with each new one), and the history of those migrations.
     */
    static void dropTables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select tablename from pg_tables where schemaname = current_schema()")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String table : tables) {
                statement.execute("drop table if exists \"" + table.replace("\"", "\"\"") + "\" cascade");
            }
        }
    }

    public void stopServer() throws IOException, InterruptedException {
        run(System.getenv().getOrDefault("SIRSI_TEST_PG_STOP", "pg_ctlcluster 15 main stop -m fast"));
    }

    public void startServer() throws IOException, InterruptedException {
        run(System.getenv().getOrDefault("SIRSI_TEST_PG_START", "pg_ctlcluster 15 main start"));
    }

    private static void run(String command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("sirsi-nexus-pg-", ".log");
        Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("'" + command + "' failed:\n" + Files.readString(output));
        }
    }
}
