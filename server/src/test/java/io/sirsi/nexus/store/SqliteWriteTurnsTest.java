package io.sirsi.nexus.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * This process's SQLite writers take their turns in the order they asked: a writer that lets go and asks again at
 * once (the change log's prune, chunk after chunk) goes behind the one already waiting (the registry's writer),
 * which SQLite's busy handler, sleeping between tries, did not see to (issue 23, tenth session).
 */
class SqliteWriteTurnsTest {

    @TempDir
    Path dataDir;

    private final ExecutorService other = Executors.newSingleThreadExecutor();
    private SqliteDialect dialect;

    @BeforeEach
    void dialect() {
        dialect = new SqliteDialect(dataDir.toString(), null);
    }

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    @Test
    void aWriterWhoAskedFirstGoesBeforeOneWhoLetGoAndAskedAgain() throws Exception {
        List<String> turns = Collections.synchronizedList(new ArrayList<>());
        try (Connection prune = open(5_000); Connection writer = open(5_000)) {
            WriteTurn chunk = dialect.beginWithWriteLock(prune);
            Future<?> waiting = other.submit(() -> {
                try (WriteTurn turn = dialect.beginWithWriteLock(writer)) {
                    turns.add("the writer waiting");
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> dialect.writersWaiting() == 1);
            chunk.close();
            try (WriteTurn next = dialect.beginWithWriteLock(prune)) {
                turns.add("the next chunk");
            }
            waiting.get();
        }
        assertEquals(List.of("the writer waiting", "the next chunk"), turns);
    }

    @Test
    void aWriterWaitsNoLongerThanTheBusyTimeoutAndFailsAsSqliteWould() throws Exception {
        try (Connection holder = open(5_000); Connection impatient = open(200)) {
            try (WriteTurn held = dialect.beginWithWriteLock(holder)) {
                Future<SQLException> refused = other.submit(
                        () -> assertThrows(SQLException.class, () -> dialect.beginWithWriteLock(impatient)));
                SQLException failure = refused.get();
                assertTrue(failure instanceof SQLiteException, failure.toString());
                assertEquals(SQLiteErrorCode.SQLITE_BUSY, ((SQLiteException) failure).getResultCode());
            }
            try (WriteTurn free = dialect.beginWithWriteLock(impatient)) {
                assertEquals(0, dialect.writersWaiting());
            }
        }
    }

    @Test
    void aTurnEndedWithoutItsTransactionLeavesTheConnectionDeferred() throws Exception {
        try (Connection connection = open(5_000)) {
            dialect.beginWithWriteLock(connection).close(); // as when the begin itself failed
            assertEquals(SQLiteConfig.TransactionMode.DEFERRED,
                    connection.unwrap(SQLiteConnection.class).getConnectionConfig().getTransactionMode());
        }
    }

    private Connection open(int busyTimeoutMillis) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:file:" + dataDir.resolve("turns.db") + "?busy_timeout="
                + busyTimeoutMillis);
    }
}
