package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Readers use the table without a lock while its one writer changes it: what they must never see. */
class PortTableReadersTest {

    private static final PortRange RANGE = new PortRange(9000, 9099);

    @Test
    void anAllocationThatKeepsItsPlaceIsNeverMissingWhileItIsReplaced() throws Exception {
        PortTable table = new PortTable(Map.of(ServiceType.CUSTOM, RANGE), Set.of(), port -> false);
        Allocation allocation = new Allocation(UUID.randomUUID(), "localhost", 9000, "steady", ServiceType.CUSTOM,
                Optional.empty(), Instant.EPOCH, Instant.EPOCH, AllocationStatus.ACTIVE);
        table.put(allocation);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread heartbeats = new Thread(() -> {
            long millis = 0;
            while (writing.get()) {
                table.put(allocation.withHeartbeat(Instant.ofEpochMilli(++millis)));
            }
        });
        AtomicLong misses = new AtomicLong();
        heartbeats.start();
        try {
            long deadline = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < deadline) {
                if (table.byName("steady").isEmpty() || table.byPort(9000).isEmpty()
                        || table.held(ServiceType.CUSTOM) != 1) {
                    misses.incrementAndGet();
                }
            }
        } finally {
            writing.set(false);
            heartbeats.join();
        }
        assertEquals(0, misses.get(), "lookups missed a service that only had heartbeats");
    }
}
