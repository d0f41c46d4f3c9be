package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.EventFilter;
import io.sirsi.nexus.registry.EventType;
import io.sirsi.nexus.registry.HistoryQuery;
import io.sirsi.nexus.registry.HostTransaction;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreWrite;
import io.sirsi.nexus.store.JdbcAllocationStore;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's reads inside a host transaction: the read-back of heartbeat times, which replicas' expiry passes make
 * for every quiet candidate (ids in several batches, unknown ids left out, the times as stored), and reads that see
 * the transaction's own writes. On SQLite and, in the PostgreSQL run, on PostgreSQL.
 */
@QuarkusTest
class StoreReadsTest {

    @Inject
    JdbcAllocationStore store;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void heartbeatTimesAreReadBackForManyIdsInBatches() {
        List<String> granted = List.of(Registry.grant("read-a", "custom").allocationId(),
                Registry.grant("read-b", "custom").allocationId(), Registry.grant("read-c", "custom").allocationId());
        List<UUID> asked = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) { // three batches; the real ones at the start, in the middle and at the end
            asked.add(i == 0 ? UUID.fromString(granted.get(0)) : i == 600 ? UUID.fromString(granted.get(1))
                    : i == 1_199 ? UUID.fromString(granted.get(2)) : UUID.randomUUID());
        }
        Map<UUID, Instant> times = store.inHostTransaction(Set.of(), 0,
                transaction -> transaction.lastHeartbeats(asked));
        assertEquals(3, times.size(), times.toString());
        for (String id : granted) {
            String lastHeartbeat = given().get("/ports/allocations").then().statusCode(200).extract().jsonPath()
                    .getString("find { it.allocation_id == '" + id + "' }.last_heartbeat");
            assertEquals(Instant.parse(lastHeartbeat), times.get(UUID.fromString(id)), id);
        }
    }

    /**
     * A decision reads what its own transaction wrote, before the commit, through the transaction it is handed; and
     * a transaction that rolls back leaves nothing, in the log or the table.
     */
    @Test
    void readsInAHostTransactionSeeItsOwnWritesAndARollbackLeavesNothing() {
        long head = store.headRevision();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Allocation uncommitted = new Allocation(UUID.randomUUID(), "tx-host", 9_999, "tx-reader", ServiceType.CUSTOM,
                Optional.empty(), now, now, AllocationStatus.ACTIVE);
        RuntimeException rollBack = new IllegalStateException("roll back");
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> store.inHostTransaction(
                Set.of("tx-host"), 0, transaction -> {
                    long first = transaction.write(List.of(new StoreWrite.Insert(uncommitted)),
                            List.of(new ChangeEvent(0, EventType.ALLOCATED, now, uncommitted)));
                    assertEquals(head + 1, first);
                    assertEquals(List.of(uncommitted), transaction.eventsAfter(head, 10).stream()
                            .map(ChangeEvent::allocation).toList());
                    assertEquals(Map.of(uncommitted.allocationId(), now),
                            transaction.lastHeartbeats(List.of(uncommitted.allocationId())));
                    // a whole load reads the committed state, in a snapshot of its own (see OpenHostTransaction)
                    assertFalse(transaction.load().allocations().contains(uncommitted));
                    assertEquals(1, transaction.history(new HistoryQuery(new EventFilter(Optional.of("tx-reader"),
                            Optional.empty(), Optional.of("tx-host"), Optional.empty()), Optional.empty(),
                            Optional.empty(), 1)).size());
                    throw rollBack;
                }));
        assertEquals(rollBack, thrown);
        assertEquals(head, store.headRevision());
        assertTrue(store.eventsAfter(head, 10).isEmpty());
        assertTrue(store.load().allocations().stream().noneMatch(held -> held.equals(uncommitted)));
    }

    /**
     * The catch-up a decision begins with: the events after the revision the caller's index holds, which a shared
     * store reads as it takes the hosts' locks and answers from then on (a later revision, a smaller page), and a
     * store of this process alone reads when asked; the maintenance of a host read with them, or alone.
     */
    @Test
    void aHostTransactionAnswersTheCatchUpFromTheRevisionItWasGiven() {
        Registry.grant("ahead-a", "custom");
        Registry.grant("ahead-b", "custom");
        Registry.grant("ahead-c", "custom");
        long head = store.headRevision();
        List<String> names = store.inHostTransaction(Set.of("ahead-host"), head - 3, transaction -> {
            assertEquals(Optional.empty(), transaction.maintenance("ahead-host"));
            assertEquals(List.of(), transaction.eventsAfter(head, 10));
            assertEquals(List.of(head), transaction.eventsAfter(head - 1, 10).stream().map(ChangeEvent::revision)
                    .toList());
            assertEquals(List.of(head - 1), transaction.eventsAfter(head - 2, 1).stream()
                    .map(ChangeEvent::revision).toList());
            return transaction.eventsAfter(head - 3, 10).stream().map(event -> event.allocation().serviceName())
                    .toList();
        });
        assertEquals(List.of("ahead-a", "ahead-b", "ahead-c"), names);
        // asked from before the revision given: read, not answered from what was read ahead
        assertEquals(3, store.inHostTransaction(Set.of("ahead-host"), head, transaction -> transaction
                .eventsAfter(head - 3, 10)).size());
    }

    /** The transaction a decision is handed is valid while the work runs; kept and used later, it says so. */
    @Test
    void aHostTransactionCannotBeUsedAfterItsWorkEnded() {
        HostTransaction kept = store.inHostTransaction(Set.of(), 0, transaction -> transaction);
        IllegalStateException used = assertThrows(IllegalStateException.class, () -> kept.eventsAfter(0, 1));
        assertTrue(used.getMessage().contains("has ended"), used.getMessage());
    }
}
