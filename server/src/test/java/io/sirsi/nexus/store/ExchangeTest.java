package io.sirsi.nexus.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.Maintenance;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreWrite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the PostgreSQL store relies on when it sends a host transaction's statements in one exchange (issue 23): one
 * round trip; each statement with a snapshot of its own, so a read after the hosts' lock sees what the lock's previous
 * holder committed; a failed statement failing the rest and the commit with it; a commit in the exchange ending the
 * transaction. Run against the server in the suite's PostgreSQL run.
 */
class ExchangeTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private final PostgresqlDialect dialect = new PostgresqlDialect(Optional.empty(), null);
    private final AtomicInteger executed = new AtomicInteger();
    private Connection replica;
    private Connection other;

    @BeforeEach
    void open() throws SQLException {
        Assumptions.assumeTrue(MigratedPostgresql.wanted(), "PostgreSQL's only: runs in the suite's PostgreSQL run");
        replica = MigratedPostgresql.open();
        other = MigratedPostgresql.another();
    }

    @AfterEach
    void close() throws SQLException {
        for (Connection connection : new Connection[] {replica, other}) {
            if (connection != null) {
                connection.rollback();
                connection.close();
            }
        }
    }

    @Test
    void aReadAfterTheHostsLockSeesWhatTheLocksLastHolderCommitted() throws Exception {
        Exchange holding = new Exchange();
        dialect.lockHosts(holding, Set.of("exchange-host"));
        holding.send(new Statements(other));
        new MaintenanceTable().apply(new StoreWrite.Maintain(new Maintenance("exchange-host", NOW.plusSeconds(60),
                Optional.of("committed by the holder")), NOW), new Statements(other));

        int replicaProcess = single(replica, "select pg_backend_pid()");
        List<Maintenance> read = new ArrayList<>();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                Exchange opening = new Exchange();
                dialect.lockHosts(opening, Set.of("exchange-host"));
                new MaintenanceTable().of(opening, Set.of("exchange-host"), read::addAll);
                opening.send(new Statements(replica));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(30, TimeUnit.SECONDS).until(() -> single(other, "select count(*) from pg_locks where pid = "
                + replicaProcess + " and locktype = 'advisory' and not granted") == 1);
        assertFalse(waiting.isDone(), "the exchange waits for the hosts' lock");
        other.commit();
        waiting.get(30, TimeUnit.SECONDS);

        assertEquals(List.of(Optional.of("committed by the holder")), read.stream().map(Maintenance::reason).toList());
    }

    /**
     * The writer's transaction plans its statements generically (the catch-up read was planned anew for every group,
     * inside the hosts' locks), and only that transaction: the connection's other queries are planned as before.
     */
    @Test
    void aTransactionHoldingHostsPlansGenericallyUntilItEnds() throws SQLException {
        Statements statements = new Statements(replica);
        Exchange opening = new Exchange();
        dialect.lockHosts(opening, Set.of("exchange-host"));
        List<String> mode = new ArrayList<>();
        opening.query("select current_setting('plan_cache_mode')", (statement, first) -> { }, rows -> {
            rows.next();
            mode.add(rows.getString(1));
        });
        opening.send(statements);
        assertEquals(List.of("force_generic_plan"), mode);
        replica.commit();
        try (PreparedStatement show = replica.prepareStatement("select current_setting('plan_cache_mode')");
                ResultSet rows = show.executeQuery()) {
            rows.next();
            assertEquals("auto", rows.getString(1), "after the transaction, the connection's own setting");
        }
    }

    @Test
    void anExchangeOfSeveralStatementsIsOneRoundTripAndReadsEachResultInOrder() throws SQLException {
        Statements statements = new Statements(CountingConnection.counting(replica,
                Set.of("execute", "executeQuery", "executeUpdate", "executeBatch"), executed));
        Exchange exchange = new Exchange();
        new AllocationTable(true).apply(List.of(new StoreWrite.Insert(allocation("first", 8_001)),
                new StoreWrite.Insert(allocation("second", 8_002))), statements, exchange);
        List<Long> counted = new ArrayList<>();
        exchange.query("select count(*) from allocation", (statement, first) -> { }, rows -> {
            rows.next();
            counted.add(rows.getLong(1));
        });
        new ChangeLogTable(true).append(new StoreTransaction(replica), statements, exchange, List.of());
        exchange.send(statements);

        assertEquals(1, executed.get(), "one execute of the joined statement");
        assertEquals(List.of(2L), counted, "the count ran after the insert, in the same transaction");
        assertTrue(exchange.isEmpty(), "a sent exchange starts afresh");
    }

    @Test
    void aFailedStatementFailsTheRestAndTheCommitWithIt() throws SQLException {
        Exchange exchange = new Exchange();
        Statements statements = new Statements(replica);
        new AllocationTable(true).apply(List.of(new StoreWrite.Insert(allocation("kept-out", 8_101)),
                new StoreWrite.Insert(allocation("same-port", 8_101))), statements, exchange);
        dialect.commitWith(exchange);

        SQLException failed = assertThrows(SQLException.class, () -> exchange.send(statements));
        assertEquals("23505", failed.getSQLState(), failed.getMessage());
        replica.rollback();
        assertEquals(0, allocations(replica));
    }

    @Test
    void aCommitInTheExchangeEndsTheTransaction() throws SQLException {
        Exchange exchange = new Exchange();
        Statements statements = new Statements(replica);
        new AllocationTable(true).apply(List.of(new StoreWrite.Insert(allocation("committed", 8_201))), statements,
                exchange);
        dialect.commitWith(exchange);
        exchange.send(statements);

        assertEquals(1, allocations(other), "committed as the exchange ended");
        replica.rollback(); // as the template would after a failure in Java: nothing left to undo
        replica.commit(); // as it does after success: nothing left to commit
        assertEquals(1, allocations(other));
    }

    private static int allocations(Connection connection) throws SQLException {
        return single(connection, "select count(*) from allocation");
    }

    private static int single(Connection connection, String query) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(query); var rows = select.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static Allocation allocation(String name, int port) {
        return new Allocation(UUID.randomUUID(), "exchange-host", port, name, ServiceType.CUSTOM, Optional.empty(),
                NOW, NOW, AllocationStatus.ACTIVE);
    }
}
