package io.sirsi.nexus.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.jboss.logging.Logger;

/**
 * The database schema: the scripts in {@code db/migration}, applied in version order, each once, in one transaction
 * that also records them. The record is Flyway's table, {@code flyway_schema_history}, kept as Flyway keeps it
 * (same columns, same CRC32 checksums): earlier builds migrated with Flyway, so their databases are read as they are,
 * and a database migrated here reads the same to them. Flyway itself is not used: for three short scripts it cost
 * about half a second of every start (its start-up step and its migrate), a quarter of the registry's.
 *
 * <p>Replicas starting together on one PostgreSQL database take a transaction-scoped advisory lock first, so one
 * migrates while the others wait and then find nothing to do; SQLite's {@code BEGIN IMMEDIATE} does the same for
 * its one writer. DDL is transactional in both, so a failed migration leaves the database as it was.
 *
 * <p>A script is plain SQL whose statements end with {@code ;} at the end of a line; lines starting with
 * {@code --} are comments. {@value #CLUSTERED} after a table's definition is the dialect's clause for a table
 * stored as its primary key's b-tree ({@link Dialect#clusteredTable}); the checksum is the script's as written.
 */
final class SchemaMigrations {

    /** Every migration, in version order: a new one is a file in {@code db/migration} and a line here. */
    static final List<String> SCRIPTS = List.of("V1__allocations.sql", "V2__change_log.sql", "V3__liveness.sql",
            "V4__draining.sql", "V5__liveness_and_checks.sql", "V6__host_addresses.sql",
            "V7__partial_drain_index.sql", "V8__history_keys.sql", "V9__history_mark.sql", "V10__protocol.sql");
    static final String LOCATION = "db/migration/";
    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class);
    private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    private static final Pattern STATEMENT_END = Pattern.compile(";\\s*(?:\\n|$)");
    private static final String HISTORY = "flyway_schema_history";
    static final String CLUSTERED = "${clustered}";
    private static final String CREATE_HISTORY = "create table if not exists " + HISTORY + " ("
            + " installed_rank integer not null primary key, version varchar(50), description varchar(200) not null,"
            + " type varchar(20) not null, script varchar(1000) not null, checksum integer,"
            + " installed_by varchar(100) not null, installed_on %s, execution_time integer not null,"
            + " success boolean not null)";

    /** One script: its version, its description as Flyway writes it, its statements and its checksum. */
    record Migration(int version, String description, String script, List<String> statements, int checksum) {
    }

    private SchemaMigrations() {
    }

    /** The scripts of this build, read from the class path. */
    static List<Migration> known() {
        List<Migration> migrations = new ArrayList<>();
        for (String name : SCRIPTS) {
            Matcher parts = NAME.matcher(name);
            if (!parts.matches()) {
                throw new IllegalStateException("migration " + name + " is not named V<version>__<description>.sql");
            }
            List<String> lines = read(LOCATION + name);
            migrations.add(new Migration(Integer.parseInt(parts.group(1)), parts.group(2).replace('_', ' '),
                    LOCATION + name, statements(lines), checksum(lines)));
        }
        return migrations;
    }

    /**
     * Brings the schema to this build's version, on a connection in a transaction that the caller commits.
     *
     * @return the migrations applied (none when the schema was current)
     * @throws IllegalStateException the schema cannot be used as it is: newer than this build, a migration that
     *                               failed or was changed after it was applied, or one missing
     */
    static List<Migration> migrate(Connection connection, Dialect dialect) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            dialect.lockForMigration(statement);
            statement.execute(CREATE_HISTORY.formatted(dialect.installedOnColumn()));
        }
        List<Migration> known = known();
        int rank = 0;
        Set<Integer> applied = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select installed_rank, version, script, checksum, success"
                        + " from " + HISTORY + " order by installed_rank")) {
            while (rows.next()) {
                rank = Math.max(rank, rows.getInt(1));
                String version = rows.getString(2);
                if (version == null) {
                    continue; // Flyway's repeatable or baseline markers: none of ours
                }
                if (!rows.getBoolean(5)) {
                    throw new IllegalStateException("migration " + rows.getString(3) + " failed when it was applied;"
                            + " the schema needs repair by hand");
                }
                int number = Integer.parseInt(version);
                Migration ours = known.stream().filter(migration -> migration.version() == number).findFirst()
                        .orElseThrow(() -> new IllegalStateException("the schema is at version " + number
                                + ", which this build does not know (it knows up to " + known.get(known.size() - 1)
                                .version() + "): a newer sirsi-nexus migrated it; run that version"));
                int checksum = rows.getInt(4);
                if (!rows.wasNull() && checksum != ours.checksum()) {
                    throw new IllegalStateException("migration " + ours.script() + " differs from the one applied"
                            + " to this database (checksum " + checksum + ", this build's " + ours.checksum() + ")");
                }
                applied.add(number);
            }
        }
        int newest = applied.stream().max(Integer::compare).orElse(0);
        for (Migration migration : known) {
            if (migration.version() < newest && !applied.contains(migration.version())) {
                throw new IllegalStateException("migration " + migration.script() + " was never applied to this"
                        + " database, though later ones were");
            }
        }
        List<Migration> done = new ArrayList<>();
        for (Migration migration : known) {
            if (migration.version() <= newest) {
                continue;
            }
            long started = System.nanoTime();
            try (Statement statement = connection.createStatement()) {
                for (String sql : migration.statements()) {
                    statement.execute(sql.replace(CLUSTERED, dialect.clusteredTable()));
                }
            }
            try (PreparedStatement record = connection.prepareStatement("insert into " + HISTORY
                    + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time,"
                    + " success) values (?, ?, ?, 'SQL', ?, ?, 'sirsi-nexus', ?, ?)")) {
                record.setInt(1, ++rank);
                record.setString(2, Integer.toString(migration.version()));
                record.setString(3, migration.description());
                record.setString(4, migration.script());
                record.setInt(5, migration.checksum());
                record.setLong(6, (System.nanoTime() - started) / 1_000_000);
                record.setBoolean(7, true);
                record.executeUpdate();
            }
            done.add(migration);
            LOG.infof("Migrated the schema to version %d (%s)", migration.version(), migration.description());
        }
        return done;
    }

    private static List<String> read(String resource) {
        InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("migration " + resource + " is missing from the build");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + resource, e);
        }
    }

    /** The statements of a script: comment lines dropped, split at each {@code ;} that ends a line. */
    static List<String> statements(List<String> lines) {
        StringBuilder sql = new StringBuilder();
        for (String line : lines) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return STATEMENT_END.splitAsStream(sql).map(String::strip).filter(statement -> !statement.isEmpty())
                .toList();
    }

    /**
     * Flyway's checksum of a script: CRC32 over its lines' UTF-8 bytes without their line ends (a byte-order mark
     * dropped), so that the history reads the same whichever of the two applied a migration.
     */
    static int checksum(List<String> lines) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < lines.size(); i++) {
            String line = i == 0 && lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(i);
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
