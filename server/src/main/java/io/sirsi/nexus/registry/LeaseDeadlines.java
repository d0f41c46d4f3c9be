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
import java.util.stream.Stream;

/**
 * When each live allocation goes quiet (no heartbeat for half its timeout, the moment self-preservation starts
 * counting it), kept as a queue of deadlines, so that the expiry pass touches the allocations that are quiet, not
 * every allocation it holds (etcd's lessor keeps its leases so).
 *
 * <p>Refreshed lazily: a heartbeat changes nothing here. A deadline is queued at {@code last heartbeat + timeout/2},
 * never later than the allocation really goes quiet; when it passes, the allocation's time is read again from the
 * index (and the silence that does not count, {@code countsFrom}: the resumption after downtime or after
 * self-preservation), and it is queued again at its new deadline, or taken into its host's quiet set. Every pass
 * checks the quiet sets again, so an allocation heard from meanwhile leaves them. Whatever puts a live allocation
 * into the index tells {@link #watch} (a change decided or undone, a catch-up from the log) or {@link #rebuild} (a
 * load); one that went away or expired is dropped when its deadline comes.
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

    private final Duration quietAfter;
    private final PriorityQueue<Deadline> queue = new PriorityQueue<>(
            Comparator.comparingLong(Deadline::quietAtMillis));
    /** The deadline each queued allocation waits for; an entry of the queue that is not this one is stale. */
    private final Map<UUID, Deadline> queued = new HashMap<>();
    /** Per host, the allocations quiet at the last pass. */
    private final Map<String, Set<UUID>> quiet = new HashMap<>();

    LeaseDeadlines(Duration heartbeatTimeout) {
        this.quietAfter = heartbeatTimeout.dividedBy(2);
    }

    /** An allocation put into the index (added, renewed, revived, restored, caught up): its deadline. */
    void watch(Allocation allocation) {
        if (live(allocation)) {
            schedule(allocation.allocationId(), allocation.lastHeartbeat().plus(quietAfter));
        }
    }

    /**
     * An allocation gone from the index (released, removed): its deadline goes now, not when it would have come, so
     * that a registry allocating and releasing thousands a second keeps no more deadlines than allocations.
     */
    void forget(UUID allocationId) {
        if (queued.remove(allocationId) != null) {
            compactIfMostlyStale();
        }
    }

    /** The index was loaded whole: every deadline again. */
    void rebuild(Stream<Allocation> allocations) {
        queue.clear();
        queued.clear();
        quiet.clear();
        allocations.forEach(this::watch);
    }

    /**
     * The allocations of each host quiet now, as the index holds them: those whose deadline passed, and those quiet
     * at the last pass and still quiet. {@code countsFrom} says, per host, from when silence counts.
     */
    Map<String, List<Allocation>> quietAt(Instant now, RegistryIndex index, Function<String, Instant> countsFrom) {
        long nowMillis = now.toEpochMilli();
        // <=: a deadline within the millisecond is taken, and checked to the nanosecond below, never left late
        while (!queue.isEmpty() && queue.peek().quietAtMillis() <= nowMillis) {
            Deadline due = queue.poll();
            if (queued.get(due.allocationId()) == due) {
                queued.remove(due.allocationId());
                current(index, due.allocationId()).ifPresent(allocation -> quiet.computeIfAbsent(allocation.host(),
                        host -> new HashSet<>()).add(allocation.allocationId()));
            }
        }
        Map<String, List<Allocation>> quietNow = new HashMap<>();
        for (Iterator<Map.Entry<String, Set<UUID>>> hosts = quiet.entrySet().iterator(); hosts.hasNext(); ) {
            Map.Entry<String, Set<UUID>> host = hosts.next();
            Instant silenceCountsFrom = countsFrom.apply(host.getKey());
            for (Iterator<UUID> ids = host.getValue().iterator(); ids.hasNext(); ) {
                Optional<Allocation> current = current(index, ids.next());
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
                    schedule(allocation.allocationId(), quietAt);
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
    Set<String> hostsQuietAt(Instant now, RegistryIndex index, Function<String, Instant> countsFrom) {
        return new TreeSet<>(quietAt(now, index, countsFrom).keySet());
    }

    /** How many deadlines are queued: for tests, which check that a pass leaves the others alone. */
    int queued() {
        return queued.size();
    }

    /** How many entries the queue holds, stale ones included: for tests, which check that it stays bounded. */
    int queueSize() {
        return queue.size();
    }

    private void schedule(UUID allocationId, Instant quietAt) {
        long quietAtMillis = quietAt.toEpochMilli();
        Deadline already = queued.get(allocationId);
        // the earlier one, read again when it comes, suffices
        if (already == null || already.quietAtMillis() > quietAtMillis) {
            Deadline deadline = new Deadline(quietAtMillis, allocationId);
            queued.put(allocationId, deadline);
            queue.add(deadline);
            compactIfMostlyStale();
        }
    }

    /** Drops the queue's stale entries once they outnumber the live ones: linear, so amortised constant. */
    private void compactIfMostlyStale() {
        if (queue.size() > 2 * queued.size() + 64) {
            queue.clear();
            queue.addAll(queued.values());
        }
    }

    private static Optional<Allocation> current(RegistryIndex index, UUID allocationId) {
        return index.byId(allocationId).filter(LeaseDeadlines::live);
    }

    private static boolean live(Allocation allocation) {
        return allocation.status() == AllocationStatus.ACTIVE; // Draining ones end by their drain time instead
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
