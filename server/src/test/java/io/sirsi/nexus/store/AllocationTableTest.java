package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreWrite;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A group's writes go as one batch per kind of write (on PostgreSQL one round trip each, issue 23), and still leave
 * the table as if applied one by one in their order: a port freed in the group taken again, an allocation made and
 * released in the same group.
 */
class AllocationTableTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private final AllocationTable table = new AllocationTable();
    private final AtomicInteger batchesSent = new AtomicInteger();
    private Connection database;
    private Statements statements;

    @BeforeEach
    void emptyTable() throws SQLException {
        database = MigratedSqlite.open();
        statements = new Statements(countingBatches(database));
    }

    @AfterEach
    void close() throws SQLException {
        statements.close();
        database.close();
    }

    @Test
    void interleavedAllocationsAndReleasesGoAsOneBatchPerKind() throws SQLException {
        Allocation held = allocation("held", 5_001);
        Allocation other = allocation("other", 5_002);
        table.apply(List.of(new StoreWrite.Insert(held), new StoreWrite.Insert(other)), statements);
        batchesSent.set(0);

        Allocation first = allocation("first", 5_003);
        Allocation second = allocation("second", 5_004);
        Allocation reusing = allocation("reusing", 5_001); // the port `held` frees earlier in the group
        table.apply(List.of(new StoreWrite.Insert(first), new StoreWrite.Delete(List.of(held.allocationId())),
                new StoreWrite.Insert(second), new StoreWrite.Delete(List.of(other.allocationId())),
                new StoreWrite.Insert(reusing)), statements);

        assertEquals(2, batchesSent.get(), "one batch of deletes, one of inserts");
        assertEquals(Map.of("first", 5_003, "second", 5_004, "reusing", 5_001), stored());
    }

    @Test
    void writesOfOneAllocationKeepTheirOrderAcrossKinds() throws SQLException {
        Allocation brief = allocation("brief", 6_001);
        Allocation after = allocation("after", 6_001);
        Allocation renewed = allocation("renewed", 6_002);
        table.apply(List.of(new StoreWrite.Insert(brief),
                new StoreWrite.Touch(Map.of(brief.allocationId(), NOW.plusSeconds(1))),
                new StoreWrite.Delete(List.of(brief.allocationId())), new StoreWrite.Insert(after),
                new StoreWrite.Insert(renewed), new StoreWrite.Update(renewed.withStatus(AllocationStatus.EXPIRED)),
                new StoreWrite.Touch(Map.of(renewed.allocationId(), NOW.plusSeconds(2)))), statements);

        assertEquals(Map.of("after", 6_001, "renewed", 6_002), stored());
        Allocation read = table.all(new StoreTransaction(database)).stream()
                .filter(allocation -> allocation.serviceName().equals("renewed")).findFirst().orElseThrow();
        assertEquals(AllocationStatus.EXPIRED, read.status());
        assertEquals(NOW.plusSeconds(2), read.lastHeartbeat());
    }

    private Map<String, Integer> stored() throws SQLException {
        return table.all(new StoreTransaction(database)).stream()
                .collect(Collectors.toMap(Allocation::serviceName, Allocation::port));
    }

    private static Allocation allocation(String name, int port) {
        return new Allocation(UUID.randomUUID(), "table-host", port, name, ServiceType.CUSTOM, Optional.empty(), NOW,
                NOW, AllocationStatus.ACTIVE);
    }

    /** The connection, with every statement it prepares counting the batches it sends. */
    private Connection countingBatches(Connection connection) {
        return proxy(Connection.class, (self, method, arguments) -> {
            Object result = invoke(connection, method, arguments);
            if (result instanceof PreparedStatement statement) {
                return proxy(PreparedStatement.class, (statementSelf, call, callArguments) -> {
                    if (call.getName().equals("executeBatch")) {
                        batchesSent.incrementAndGet();
                    }
                    return invoke(statement, call, callArguments);
                });
            }
            return result;
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] arguments)
            throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
