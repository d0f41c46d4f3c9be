package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * When each live allocation goes quiet (no heartbeat for half its timeout, the moment self-preservation starts
 * counting it), kept as a queue of deadlines, so that the expiry pass touches the allocations that are quiet, not
 * every allocation it holds (etcd's lessor keeps its leases so).
 *
 * <p>Refreshed lazily: a heartbeat changes nothing here. A deadline is queued at {@code last heartbeat + timeout/2},
 * never later than the allocation really goes quiet; when it passes, the allocation's time is read again from the
 * index (and the silence that does not count, {@code countsFrom}: the resumption after downtime or after
 * self-preservation), and it is queued again at its new deadline, or taken into its host's quiet set. Every pass
 * checks the quiet sets again, so an allocation heard from meanwhile leaves them.
 *
 * <p>The index is the one record of which deadline is current (issue 23's footprint: a map from each allocation to
 * its queued deadline cost 40 bytes per allocation). Whatever makes an allocation live tells {@link #added} or
 * {@link #changed}, which queue a deadline only when none may be queued early enough; a deadline of an allocation
 * that went away, or stopped being live, is dropped when it comes; two deadlines of one allocation (an undone change
 * queues one again) are one once both were read again, which puts them at the same moment, and a pass takes each
 * allocation once. Stale deadlines never outnumber twice the allocations held: past that the queue is rebuilt from
 * the index, so a registry allocating and releasing thousands a second keeps no more deadlines than allocations.
 *
 * <p>Guarded by the registry's lock, like the index.
 */
final class LeaseDeadlines {

    /**
     * Epoch milliseconds rather than an {@link Instant}: one deadline per live allocation, and with 60,000 of them
     * the Instants were most of the heap this class added (issue 23's footprint).
     */
    private record Deadline(long quietAtMillis, UUID allocationId) {
    }

    /** Stale deadlines tolerated beyond twice the allocations held, so that a small index is not rebuilt often. */
    private static final int SLACK = 64;

    private final Duration quietAfter;
    private final RegistryIndex index;
    private final PriorityQueue<Deadline> queue = new PriorityQueue<>(
            Comparator.comparingLong(Deadline::quietAtMillis));
    /** Per host, the allocations quiet at the last pass. */
    private final Map<String, Set<UUID>> quiet = new HashMap<>();
    /** How many allocations the index held when the queue was last measured against it. */
    private int heldAtLastCheck;

    LeaseDeadlines(Duration heartbeatTimeout, RegistryIndex index) {
        this.quietAfter = heartbeatTimeout.dividedBy(2);
        this.index = index;
    }

    /** An allocation put into the index that was not there (added, or put back by an undo): its deadline. */
    void added(Allocation allocation) {
        if (live(allocation)) {
            schedule(allocation.allocationId(), deadline(allocation));
        }
    }

    /**
     * An allocation replaced in the index: a deadline for it only if the one queued for {@code previous} may come
     * too late. That is when {@code previous} was not live (an Expired one revived: its deadline was dropped), or
     * when its time went back (an undone change, a clock set back). A heartbeat, the commonest change, moves the
     * time forward and queues nothing.
     */
    void changed(Allocation previous, Allocation next) {
        // the times compared, not the deadlines: nothing made on the way of every heartbeat
        if (live(next) && (!live(previous) || next.lastHeartbeat().isBefore(previous.lastHeartbeat()))) {
            schedule(next.allocationId(), deadline(next));
        }
    }

    /** The index was loaded whole: every deadline again. */
    void rebuild() {
        quiet.clear();
        requeueAll();
    }

    /**
     * The allocations of each host quiet now, as the index holds them: those whose deadline passed, and those quiet
     * at the last pass and still quiet. {@code countsFrom} says, per host, from when silence counts.
     */
    Map<String, List<Allocation>> quietAt(Instant now, Function<String, Instant> countsFrom) {
        long nowMillis = now.toEpochMilli();
        // <=: a deadline within the millisecond is taken, and checked to the nanosecond below, never left late
        while (!queue.isEmpty() && queue.peek().quietAtMillis() <= nowMillis) {
            // gone or no longer live: dropped; already in the quiet set (a second deadline): taken once
            current(queue.poll().allocationId()).ifPresent(allocation -> quiet.computeIfAbsent(allocation.host(),
                    host -> new HashSet<>()).add(allocation.allocationId()));
        }
        Map<String, List<Allocation>> quietNow = new HashMap<>();
        for (Iterator<Map.Entry<String, Set<UUID>>> hosts = quiet.entrySet().iterator(); hosts.hasNext(); ) {
            Map.Entry<String, Set<UUID>> host = hosts.next();
            Instant silenceCountsFrom = countsFrom.apply(host.getKey());
            for (Iterator<UUID> ids = host.getValue().iterator(); ids.hasNext(); ) {
                Optional<Allocation> current = current(ids.next());
                if (current.isEmpty()) {
                    ids.remove();
                    continue;
                }
                Allocation allocation = current.get();
                Instant quietAt = latest(allocation.lastHeartbeat(), silenceCountsFrom).plus(quietAfter);
                if (quietAt.isBefore(now)) {
                    quietNow.computeIfAbsent(host.getKey(), key -> new ArrayList<>()).add(allocation);
                } else {
                    ids.remove();
                    schedule(allocation.allocationId(), quietAt.toEpochMilli());
                }
            }
            if (host.getValue().isEmpty()) {
                hosts.remove();
            }
        }
        return quietNow;
    }

    /**
     * The hosts with allocations quiet now, as {@link #quietAt} finds them: the ones an expiry pass must lock; it
     * leaves every other host alone.
     */
    Set<String> hostsQuietAt(Instant now, Function<String, Instant> countsFrom) {
        return new TreeSet<>(quietAt(now, countsFrom).keySet());
    }

    /** How many deadlines the queue holds, stale ones included: for tests, which check that it stays bounded. */
    int queueSize() {
        return queue.size();
    }

    private void schedule(UUID allocationId, long quietAtMillis) {
        queue.add(new Deadline(quietAtMillis, allocationId));
        // measured against the index only when the queue doubled since, so that a change costs no pass over hosts
        if (queue.size() > 2 * heldAtLastCheck + SLACK) {
            heldAtLastCheck = index.size();
            if (queue.size() > 2 * heldAtLastCheck + SLACK) {
                requeueAll();
            }
        }
    }

    /**
     * The queue again from the index, one deadline per live allocation: linear, and done once the stale ones
     * outnumber the allocations held, so amortised constant. Those in a quiet set are queued too; a pass takes them
     * once.
     */
    private void requeueAll() {
        queue.clear();
        index.all().filter(LeaseDeadlines::live)
                .forEach(allocation -> queue.add(new Deadline(deadline(allocation), allocation.allocationId())));
        heldAtLastCheck = index.size();
    }

    private long deadline(Allocation allocation) {
        return allocation.lastHeartbeat().plus(quietAfter).toEpochMilli();
    }

    private Optional<Allocation> current(UUID allocationId) {
        return index.byId(allocationId).filter(LeaseDeadlines::live);
    }

    private static boolean live(Allocation allocation) {
        return allocation.status() == AllocationStatus.ACTIVE; // Draining ones end by their drain time instead
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
