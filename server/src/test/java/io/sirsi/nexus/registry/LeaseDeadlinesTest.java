package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The expiry pass's deadlines: a pass takes the allocations whose deadline passed and leaves the others queued, a
 * heartbeat heard meanwhile puts one back at its new deadline, silence before the resumption does not count, and
 * what went away is dropped.
 */
class LeaseDeadlinesTest {

    private static final ServiceType CACHE = ServiceType.CACHE;
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    /** Quiet after 5 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RegistryIndex index = new RegistryIndex(host -> new PortTable(
            Map.of(CACHE, new PortRange(6000, 6999)), Set.of(), port -> false, Duration.ZERO));
    private final LeaseDeadlines deadlines = new LeaseDeadlines(TIMEOUT, index);

    private Allocation held(String host, int port, Instant lastHeartbeat) {
        Allocation allocation = new Allocation(UUID.randomUUID(), host, port, "svc-" + port, CACHE, Optional.empty(),
                lastHeartbeat, lastHeartbeat, AllocationStatus.ACTIVE);
        index.put(allocation);
        deadlines.added(allocation);
        return allocation;
    }

    private Map<String, List<Allocation>> quietAt(Instant now) {
        return deadlines.quietAt(now, host -> Instant.EPOCH);
    }

    @Test
    void aPassTakesOnlyTheDueAndLeavesTheRestQueued() {
        List<Allocation> lively = new ArrayList<>();
        for (int port = 6000; port < 6900; port++) {
            lively.add(held("node-1", port, T0));
        }
        Allocation silent = held("node-2", 6000, T0.minusSeconds(10));
        assertEquals(901, deadlines.queueSize());

        assertEquals(Map.of("node-2", List.of(silent)), quietAt(T0.plusSeconds(1)));
        assertEquals(900, deadlines.queueSize(), "the lively ones were not looked at");
        assertEquals(Map.of("node-2", List.of(silent)), quietAt(T0.plusSeconds(2)), "still quiet");
        assertEquals(Set.of("node-2"), quietAt(T0.plusSeconds(5)).keySet(), "quiet after 5 s, not at 5 s");
        assertEquals(900, quietAt(T0.plusSeconds(6)).get("node-1").size());
    }

    /** Issue 23: the pass locked every host each second; now only those with something quiet. */
    @Test
    void theHostsAPassLocksAreThoseWithQuietAllocations() {
        for (int port = 6000; port < 6100; port++) {
            held("node-1", port, T0);
        }
        held("node-2", 6000, T0.minusSeconds(10));
        held("node-3", 6000, T0.minusSeconds(1));
        assertEquals(Set.of(), deadlines.hostsQuietAt(T0.minusSeconds(6), host -> Instant.EPOCH));
        assertEquals(Set.of("node-2"), deadlines.hostsQuietAt(T0.plusSeconds(1), host -> Instant.EPOCH));
        assertEquals(Set.of("node-2", "node-3"), deadlines.hostsQuietAt(T0.plusSeconds(4).plusMillis(1),
                host -> Instant.EPOCH));
        assertEquals(Set.of("node-2"), deadlines.hostsQuietAt(T0.plusSeconds(4).plusMillis(1),
                host -> host.equals("node-3") ? T0 : Instant.EPOCH), "node-3's silence before T0 does not count");
    }

    @Test
    void aTableCountsItsExpiredAllocationsForCleanup() {
        Allocation first = held("node-1", 6000, T0);
        Allocation second = held("node-1", 6001, T0);
        PortTable table = index.existing("node-1").orElseThrow();
        assertEquals(0, table.expired());
        index.put(first.withStatus(AllocationStatus.EXPIRED));
        index.put(second.withStatus(AllocationStatus.EXPIRED));
        assertEquals(2, table.expired());
        index.put(first.withStatus(AllocationStatus.EXPIRED).withHeartbeat(T0.plusSeconds(1))); // replaced in place
        assertEquals(2, table.expired());
        index.put(second); // revived
        assertEquals(1, table.expired());
        index.free(first, T0.plusSeconds(2)); // removed by cleanup
        assertEquals(0, table.expired());
    }

    @Test
    void aHeartbeatHeardMeanwhileQueuesTheAllocationAtItsNewDeadline() {
        Allocation beating = held("node-1", 6000, T0);
        index.touch(beating.withHeartbeat(T0.plusSeconds(4))); // as a heartbeat answered from memory does
        assertEquals(Map.of(), quietAt(T0.plusSeconds(6)));
        assertEquals(1, deadlines.queueSize());
        assertEquals(Map.of(), quietAt(T0.plusSeconds(9)));
        assertEquals(Map.of("node-1", List.of(beating.withHeartbeat(T0.plusSeconds(4)))),
                quietAt(T0.plusMillis(9_001)));

        index.touch(beating.withHeartbeat(T0.plusSeconds(10))); // heard again: it leaves the quiet set
        assertEquals(Map.of(), quietAt(T0.plusSeconds(11)));
        assertEquals(1, deadlines.queueSize());
    }

    @Test
    void silenceBeforeTheResumptionDoesNotCountAndWhatWentAwayIsDropped() {
        Allocation resumed = held("node-1", 6000, T0);
        Allocation released = held("node-1", 6001, T0);
        Allocation expired = held("node-1", 6002, T0);
        index.free(released, T0.plusSeconds(1));
        index.put(expired.withStatus(AllocationStatus.EXPIRED));
        Instant resumedAt = T0.plusSeconds(20);
        assertEquals(Map.of(), deadlines.quietAt(T0.plusSeconds(21), host -> resumedAt));
        assertEquals(1, deadlines.queueSize(), "only the live one is queued again, at the resumption's deadline");
        assertEquals(Map.of("node-1", List.of(resumed)),
                deadlines.quietAt(T0.plusSeconds(26), host -> resumedAt));
    }

    /**
     * Allocated and released at once, thousands of times, before any deadline comes: the queue stays small (the
     * stale deadlines never outnumber twice what the index held when one was queued, two here, plus 64).
     */
    @Test
    void releasedAllocationsLeaveNoDeadlinesBehind() {
        Allocation kept = held("node-1", 6999, T0);
        for (int i = 0; i < 10_000; i++) {
            Allocation churned = held("node-1", 6000 + i % 900, T0);
            index.free(churned, T0);
            assertTrue(deadlines.queueSize() <= 2 * 2 + 64, "stale entries are dropped: " + deadlines.queueSize());
        }
        assertEquals(Map.of("node-1", List.of(kept)), quietAt(T0.plusSeconds(6)));
        assertEquals(0, deadlines.queueSize(), "the released ones' deadlines went when they came");
    }

    /** A heartbeat, the commonest change, queues nothing: the deadline queued before is read again when it comes. */
    @Test
    void aHeartbeatQueuesNothingUnlessItsTimeWentBack() {
        Allocation beating = held("node-1", 6000, T0);
        Allocation renewed = beating.withHeartbeat(T0.plusSeconds(3));
        index.touch(renewed);
        deadlines.changed(beating, renewed);
        assertEquals(1, deadlines.queueSize());

        Allocation setBack = renewed.withHeartbeat(T0.minusSeconds(3)); // the clock went back
        index.touch(setBack);
        deadlines.changed(renewed, setBack);
        assertEquals(2, deadlines.queueSize(), "the deadline queued before would come too late");
        assertEquals(Map.of("node-1", List.of(setBack)), quietAt(T0.plusSeconds(3)));
    }

    /** An Expired allocation's deadline was dropped: revived, it is queued again. */
    @Test
    void aRevivedAllocationIsQueuedAgain() {
        Allocation allocation = held("node-1", 6000, T0);
        Allocation expired = allocation.withStatus(AllocationStatus.EXPIRED);
        index.put(expired);
        deadlines.changed(allocation, expired);
        assertEquals(Map.of(), quietAt(T0.plusSeconds(6)));
        assertEquals(0, deadlines.queueSize(), "not live: dropped when it came");

        Allocation revived = expired.withStatus(AllocationStatus.ACTIVE).withHeartbeat(T0.plusSeconds(7));
        index.put(revived);
        deadlines.changed(expired, revived);
        assertEquals(Map.of(), quietAt(T0.plusSeconds(12)));
        assertEquals(Map.of("node-1", List.of(revived)), quietAt(T0.plusMillis(12_001)));
    }

    /**
     * An undone release puts the allocation back with a second deadline: a pass still takes it once, and the two
     * become one once read again.
     */
    @Test
    void twoDeadlinesOfOneAllocationAreTakenOnce() {
        Allocation twice = held("node-1", 6000, T0);
        Allocation other = held("node-1", 6001, T0.plusSeconds(3));
        deadlines.added(twice); // as the undo of its release does
        assertEquals(3, deadlines.queueSize());
        Allocation heard = twice.withHeartbeat(T0.plusSeconds(2));
        index.touch(heard);
        assertEquals(Map.of(), quietAt(T0.plusSeconds(6).plusMillis(1)));
        assertEquals(2, deadlines.queueSize(), "each allocation queued once, at its new deadline");
        assertEquals(Map.of("node-1", List.of(heard)), quietAt(T0.plusSeconds(7).plusMillis(1)));
    }
}
