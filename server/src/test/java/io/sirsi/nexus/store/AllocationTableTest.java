package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.DrainDeadline;
import io.sirsi.nexus.registry.Liveness;
import io.sirsi.nexus.registry.Protocol;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreWrite;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A group's writes go as one batch per kind of write (on SQLite a JDBC batch each; on PostgreSQL one statement over
 * arrays each, all in one round trip, issue 23), and still leave the table as if applied one by one in their order:
 * a port freed in the group taken again, an allocation made and released in the same group. On SQLite always; on
 * PostgreSQL in the suite's PostgreSQL run.
 */
class AllocationTableTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private AllocationTable table;
    /** Statements sent to the database: each JDBC batch, and each exchange (of several statements on PostgreSQL). */
    private final AtomicInteger sent = new AtomicInteger();
    private Connection database;
    private Statements statements;

    static List<String> stores() {
        return MigratedPostgresql.wanted() ? List.of("sqlite", "postgresql") : List.of("sqlite");
    }

    private void open(String store) throws SQLException {
        boolean postgresql = store.equals("postgresql");
        database = postgresql ? MigratedPostgresql.open() : MigratedSqlite.open();
        table = new AllocationTable(postgresql);
        statements = new Statements(CountingConnection.counting(database, Set.of("executeBatch", "execute"), sent));
    }

    @AfterEach
    void close() throws SQLException {
        if (database != null) {
            statements.close();
            database.close();
        }
    }

    private void apply(StoreWrite... writes) throws SQLException {
        Exchange exchange = new Exchange();
        table.apply(List.of(writes), statements, exchange);
        exchange.send(statements);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void interleavedAllocationsAndReleasesGoAsOneBatchPerKind(String store) throws SQLException {
        open(store);
        Allocation held = allocation("held", 5_001);
        Allocation other = allocation("other", 5_002);
        apply(new StoreWrite.Insert(held), new StoreWrite.Insert(other));
        sent.set(0);

        Allocation first = allocation("first", 5_003);
        Allocation second = allocation("second", 5_004);
        Allocation reusing = allocation("reusing", 5_001); // the port `held` frees earlier in the group
        apply(new StoreWrite.Insert(first), new StoreWrite.Delete(List.of(held.allocationId())),
                new StoreWrite.Insert(second), new StoreWrite.Delete(List.of(other.allocationId())),
                new StoreWrite.Insert(reusing));

        assertEquals(store.equals("sqlite") ? 2 : 1, sent.get(),
                "on SQLite one batch of deletes, one of inserts; on PostgreSQL both in one exchange");
        assertEquals(Map.of("first", 5_003, "second", 5_004, "reusing", 5_001), stored());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void writesOfOneAllocationKeepTheirOrderAcrossKinds(String store) throws SQLException {
        open(store);
        Allocation brief = allocation("brief", 6_001);
        Allocation after = allocation("after", 6_001);
        Allocation renewed = allocation("renewed", 6_002);
        apply(new StoreWrite.Insert(brief),
                new StoreWrite.Touch(Map.of(brief.allocationId(), NOW.plusSeconds(1))),
                new StoreWrite.Delete(List.of(brief.allocationId())), new StoreWrite.Insert(after),
                new StoreWrite.Insert(renewed), new StoreWrite.Update(renewed.withStatus(AllocationStatus.EXPIRED)),
                new StoreWrite.Touch(Map.of(renewed.allocationId(), NOW.plusSeconds(2))));

        assertEquals(Map.of("after", 6_001, "renewed", 6_002), stored());
        Allocation read = storedByName().get("renewed");
        assertEquals(AllocationStatus.EXPIRED, read.status());
        assertEquals(NOW.plusSeconds(2), read.lastHeartbeat());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aUdpAllocationKeepsItsProtocolThroughInsertAndUpdate(String store) throws SQLException {
        open(store);
        Allocation given = allocation("datagrams", 7_001);
        Allocation udp = new Allocation(given.allocationId(), given.host(), given.port(), given.serviceName(),
                given.serviceType(), given.processId(), given.allocatedAt(), given.lastHeartbeat(), given.status(),
                Liveness.LISTENER, Optional.empty(), Protocol.UDP);
        apply(new StoreWrite.Insert(udp), new StoreWrite.Insert(allocation("stream", 7_002)));
        assertEquals(Protocol.UDP, storedByName().get("datagrams").protocol());
        assertEquals(Protocol.TCP, storedByName().get("stream").protocol());

        apply(new StoreWrite.Update(udp.withStatus(AllocationStatus.EXPIRED)));
        assertEquals(udp.withStatus(AllocationStatus.EXPIRED), storedByName().get("datagrams"));
    }

    /**
     * Two writes of one kind to one allocation in one batch: the later wins, as row by row (over arrays, an update
     * joining one row twice would apply either); a drain, then its end, then another drain; unknown ids skipped.
     */
    @ParameterizedTest
    @MethodSource("stores")
    void theLaterOfTwoWritesOfOneKindWins(String store) throws SQLException {
        open(store);
        Allocation drained = allocation("drained", 7_001);
        Allocation beating = allocation("beating", 7_002);
        apply(new StoreWrite.Insert(drained), new StoreWrite.Insert(beating));

        Instant until = NOW.plusSeconds(30);
        apply(new StoreWrite.Touch(Map.of(beating.allocationId(), NOW.plusSeconds(1))),
                new StoreWrite.Update(beating.withStatus(AllocationStatus.EXPIRED)),
                new StoreWrite.Update(beating),
                new StoreWrite.Touch(Map.of(beating.allocationId(), NOW.plusSeconds(3), UUID.randomUUID(), NOW)),
                new StoreWrite.Drain(drained.allocationId(), NOW.plusSeconds(10), Optional.of("first")),
                new StoreWrite.Undrain(drained.allocationId()),
                new StoreWrite.Drain(drained.allocationId(), until, Optional.of("second")),
                new StoreWrite.Drain(UUID.randomUUID(), until, Optional.empty()));

        Map<String, Allocation> read = storedByName();
        assertEquals(AllocationStatus.ACTIVE, read.get("beating").status());
        assertEquals(NOW.plusSeconds(3), read.get("beating").lastHeartbeat());
        assertEquals(AllocationStatus.DRAINING, read.get("drained").status());
        assertEquals(List.of(new DrainDeadline(drained.allocationId(), "table-host", until)),
                table.drainsDue(new StoreTransaction(database), until));
    }

    /** Each stored allocation's port, by service name. */
    private Map<String, Integer> stored() throws SQLException {
        return storedByName().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, stored -> stored.getValue().port()));
    }

    private Map<String, Allocation> storedByName() throws SQLException {
        return table.all(new StoreTransaction(database)).stream()
                .collect(Collectors.toMap(Allocation::serviceName, allocation -> allocation));
    }

    private static Allocation allocation(String name, int port) {
        return new Allocation(UUID.randomUUID(), "table-host", port, name, ServiceType.CUSTOM, Optional.empty(), NOW,
                NOW, AllocationStatus.ACTIVE);
    }
}
