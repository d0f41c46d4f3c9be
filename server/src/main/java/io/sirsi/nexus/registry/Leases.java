package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Liveness: heartbeats (and, on a store of this process alone, their buffer and its flush), expiry when a heartbeat
 * timeout passes, the removal of Expired allocations, the resumption of expiry after downtime, and
 * self-preservation. Liveness by listener is here too (a little past 400 lines): a host agent's sighting of a
 * listener is the same heartbeat from another source, and its loss the same expiry, so they share this one path.
 */
final class Leases {

    private static final Logger LOG = Logger.getLogger(Leases.class);
    private static final Comparator<Allocation> BY_PORT = Comparator.comparing(Allocation::host)
            .thenComparingInt(Allocation::port);
    /**
     * How stale the last "alive" mark of every registry process may be before their absence counts as downtime
     * (marks are written every second).
     */
    private static final Duration DOWN_AFTER = Duration.ofSeconds(3);
    private static final Duration NEVER_DOWN = ChronoUnit.CENTURIES.getDuration();
    /** Hosts with fewer non-reserved allocations than this never go into self-preservation. */
    private static final int SELF_PRESERVATION_MIN_ALLOCATIONS = 3;

    private final AllocationStore store;
    private final RegistryConfig config;
    private final InstantSource clock;
    private final ReentrantLock lock;
    private final RegistryIndex index;
    private final GroupCommit groupCommit;
    private final HostChanges changes;
    private final RegistryObserver observer;
    private final LeaseDeadlines deadlines;
    private final IndexReplica replica;
    /**
     * Heartbeat times not yet written, guarded by {@link #lock}; only for a store of this process alone. A heartbeat
     * changes no port, so its time need not reach disk before the reply: {@link #flushHeartbeats} writes them all in
     * one transaction every second, and a crash loses at most that second of heartbeat times, never an allocation.
     * On a shared store the other replicas must see it, so it is written before the reply.
     */
    private final Map<UUID, Instant> unflushedHeartbeats = new HashMap<>();
    private final boolean heartbeatsInMemory;
    private final boolean shared;
    /**
     * When expiry last resumed after a time no registry process was up: silence before it does not count, so no
     * allocation expires before this moment plus its timeout.
     */
    private volatile Instant expiryResumedAt = Instant.EPOCH;
    /** Per host, when self-preservation last ended there: the host's silence before it does not count either. */
    private final Map<String, Instant> hostResumedAt = new ConcurrentHashMap<>();
    /** Hosts in self-preservation now: nothing on them expires until their heartbeats come back. */
    private final Set<String> selfPreserving = ConcurrentHashMap.newKeySet();
    /** Whether a host's agent has gone silent ({@link HostAgents#dark}): the host is cut off, its services not dead. */
    private final Predicate<String> dark;
    /** Whether an allocation's listener alone decides its liveness now ({@link HostAgents#listenerDecides}). */
    private final Predicate<Allocation> listenerDecides;

    Leases(AllocationStore store, RegistryConfig config, InstantSource clock, ReentrantLock lock, RegistryIndex index,
            GroupCommit groupCommit, HostChanges changes, IndexReplica replica, RegistryObserver observer,
            LeaseDeadlines deadlines, Predicate<String> dark, Predicate<Allocation> listenerDecides) {
        this.dark = dark;
        this.listenerDecides = listenerDecides;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.lock = lock;
        this.index = index;
        this.groupCommit = groupCommit;
        this.changes = changes;
        this.observer = observer;
        this.deadlines = deadlines;
        this.replica = replica;
        this.shared = replica.shared();
        this.heartbeatsInMemory = !shared;
    }

    /**
     * Records at start that this process is alive, and learns when expiry resumed: on a store of this process alone
     * every start follows downtime; replicas check whether any other was up.
     */
    Instant resumeAtStart() {
        expiryResumedAt = store.markAlive(clock.instant(), shared ? DOWN_AFTER : Duration.ZERO);
        return expiryResumedAt;
    }

    /**
     * Records that this process is alive (every second), and learns when expiry last resumed: a replica that
     * started after a time none was up may have moved it. A running process never resumes expiry itself: it was up,
     * so there was no downtime, and a jump of its clock is for self-preservation to catch, not a restart.
     */
    void markAlive() {
        if (changes.isOpen()) {
            expiryResumedAt = store.markAlive(clock.instant(), NEVER_DOWN);
        }
    }

    List<String> selfPreservingHosts() {
        return selfPreserving.stream().sorted().toList();
    }

    boolean selfPreserving(String host) {
        return selfPreserving.contains(host);
    }

    /** The host's state was dropped (it holds nothing): its resumption no longer matters. */
    void forget(String host) {
        hostResumedAt.remove(host);
    }

    /**
     * A service asked again and keeps its allocation, which counts as its heartbeat: a time of an older heartbeat
     * held in memory must not follow it to the store.
     */
    void renewed(ChangeSet changeSet, UUID allocationId) {
        Instant unflushed = unflushedHeartbeats.remove(allocationId);
        if (unflushed != null) {
            changeSet.onUndo(() -> unflushedHeartbeats.putIfAbsent(allocationId, unflushed));
        }
    }

    /**
     * Records that the service is alive. An Expired allocation is revived: a logged change, committed before the
     * reply. Otherwise, on a store of this process alone, the time only changes memory (see
     * {@link #unflushedHeartbeats}); on a shared store it is written before the reply, for the other replicas.
     */
    CompletionStage<Allocation> heartbeat(UUID allocationId) {
        return beat(allocationId, false);
    }

    /**
     * The host's agent saw these allocations, kept alive by their listener, listen: each counts as a heartbeat, the
     * same as the service's own, reviving an Expired one.
     */
    void listenersHeard(List<UUID> allocationIds) {
        List<CompletableFuture<Allocation>> beats = new ArrayList<>();
        for (UUID allocationId : allocationIds) {
            beats.add(beat(allocationId, true).toCompletableFuture().exceptionally(failure -> {
                LOG.debugf("Listener of allocation %s not counted as a heartbeat: %s", allocationId,
                        failure.getMessage());
                return null;
            }));
        }
        // waited for, so that the report's answer follows what it revived
        CompletableFuture.allOf(beats.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Expires now the allocations whose listener the host's agent had seen and has missed in
     * {@code not-listening-after} reports in a row: their process has gone, whether or not it released them.
     */
    CompletionStage<List<Allocation>> listenersLost(String host, List<UUID> allocationIds) {
        if (allocationIds.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return changes.change(Set.of(host), changeSet -> {
            List<Allocation> expired = new ArrayList<>();
            for (UUID allocationId : allocationIds) {
                changeSet.index().byId(allocationId)
                        .filter(allocation -> allocation.status() == AllocationStatus.ACTIVE)
                        .filter(Allocation::keptAliveByListener).ifPresent(allocation -> {
                            Allocation lost = allocation.withStatus(AllocationStatus.EXPIRED);
                            changeSet.replace(allocation, lost, EventType.EXPIRED);
                            expired.add(lost);
                        });
            }
            changeSet.onCommit(() -> expired.forEach(allocation -> LOG.infof("Expired allocation %s of %s on %s:%d:"
                    + " kept alive by its listener, which its host's agent has not seen in %d reports; the port"
                    + " stays held until cleanup", allocation.allocationId(), allocation.serviceName(),
                    allocation.host(), allocation.port(), config.agents().notListeningAfter())));
            return expired;
        });
    }

    /**
     * A heartbeat, the service's own or its listener's ({@code fromListener}). The service's own does not count for
     * an allocation whose listener decides: it is answered with the allocation as it is, Expired if it is.
     */
    private CompletionStage<Allocation> beat(UUID allocationId, boolean fromListener) {
        changes.requireOpen();
        if (heartbeatsInMemory) {
            lock.lock();
            try {
                Optional<Allocation> found = index.byId(allocationId);
                if (found.isPresent() && !fromListener && listenerDecides.test(found.get())) {
                    observer.heartbeat();
                    return CompletableFuture.completedFuture(found.get());
                }
                if (found.isPresent() && !found.get().expired()) {
                    observer.heartbeat();
                    Allocation allocation = found.get();
                    if (allocation.reserved()) {
                        return CompletableFuture.completedFuture(allocation);
                    }
                    Allocation renewed = allocation.withHeartbeat(now());
                    index.touch(renewed);
                    deadlines.changed(allocation, renewed); // queues nothing unless the clock went back
                    unflushedHeartbeats.put(allocationId, renewed.lastHeartbeat());
                    LOG.debugf("Heartbeat from %s (allocation %s)", allocation.serviceName(), allocationId);
                    return CompletableFuture.completedFuture(renewed);
                }
            } finally {
                lock.unlock();
            }
        }
        return changes.ofAllocation(allocationId, changeSet -> {
            Allocation allocation = changeSet.index().byId(allocationId)
                    .orElseThrow(() -> HostChanges.notFound(allocationId));
            observer.heartbeat();
            if (allocation.reserved() || !fromListener && listenerDecides.test(allocation)) {
                return allocation;
            }
            Allocation renewed = allocation.withHeartbeat(changeSet.now());
            if (allocation.expired()) {
                changeSet.replace(allocation, renewed.withStatus(AllocationStatus.ACTIVE), EventType.REVIVED);
                changeSet.onCommit(() -> LOG.info("Heartbeat revived " + allocation.serviceName() + " on port "
                        + allocation.port() + " (allocation " + allocationId + ")"));
                return renewed.withStatus(AllocationStatus.ACTIVE);
            }
            changeSet.index().touch(renewed);
            deadlines.changed(allocation, renewed);
            changeSet.touch(Map.of(allocationId, renewed.lastHeartbeat()));
            return renewed;
        });
    }

    /** Writes the heartbeat times recorded in memory since the last flush, in one transaction. */
    void flushHeartbeats() {
        if (!changes.isOpen() || !heartbeatsInMemory) {
            return;
        }
        Map<UUID, Instant> batch;
        lock.lock();
        try {
            if (unflushedHeartbeats.isEmpty()) {
                return;
            }
            batch = new HashMap<>(unflushedHeartbeats);
            unflushedHeartbeats.clear();
        } finally {
            lock.unlock();
        }
        try {
            // decided behind the changes queued before: an id released meanwhile updates no row
            HostChanges.await(groupCommit.submit(Set.of(), changeSet -> {
                changeSet.touch(batch);
                return null;
            }));
            // the one sign outside the process that the times are on disk: DurabilityIT waits for it before a kill -9
            LOG.debugf("Heartbeat times written to the store: %d", batch.size());
        } catch (RuntimeException e) {
            lock.lock();
            try {
                batch.forEach(unflushedHeartbeats::putIfAbsent); // newer times win
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /**
     * Marks Expired every allocation whose heartbeat timeout has passed, logging an {@code expired} event for each:
     * once, across replicas, since each replica decides under the host's lock on an index that has applied the
     * others' events. Silence does not count from before the registry came back ({@link #expiryResumedAt}), and a
     * host whose allocations went quiet together is held, not expired ({@link #expireDue}).
     */
    CompletionStage<List<Allocation>> markExpired() {
        if (!changes.isOpen()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Set<String> due = dueHosts(false);
        if (due.isEmpty()) {
            return CompletableFuture.completedFuture(List.of()); // nothing quiet: no transaction, no host locked
        }
        return groupCommit.submit(due, changeSet -> expireDue(changeSet, due, false));
    }

    /**
     * The hosts a pass must lock (issue 23: it locked every host each second): those with allocations quiet now,
     * those in self-preservation (to see it end), and for cleanup those holding Expired allocations. Read on the
     * index under the lock; the pass reads again in its transaction, and leaves to the next pass what became quiet
     * on another host meanwhile.
     */
    private Set<String> dueHosts(boolean withExpired) {
        Set<String> due;
        lock.lock();
        try {
            due = deadlines.hostsQuietAt(now(), this::countsFrom);
            if (withExpired) {
                for (String host : index.hosts()) {
                    if (index.existing(host).map(table -> table.expired() > 0).orElse(false)) {
                        due.add(host);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        due.addAll(selfPreserving);
        return due;
    }

    /**
     * Marks what is due Expired, then removes every Expired allocation and frees its port; returns what went.
     * {@code force} expires what is due on hosts in self-preservation too.
     */
    List<Allocation> removeExpired(boolean force) {
        changes.requireOpen();
        HostChanges.await(replica.fresh()); // on a shared store, what others expired is in the index before it looks
        Set<String> due = dueHosts(true);
        if (due.isEmpty()) {
            return List.of();
        }
        return HostChanges.await(groupCommit.submit(due, changeSet -> {
            expireDue(changeSet, due, force);
            List<Allocation> removed = new ArrayList<>();
            for (String host : due) {
                changeSet.index().existing(host).filter(table -> table.expired() > 0).ifPresent(table -> table.all()
                        .stream().filter(Allocation::expired).forEach(removed::add));
            }
            removed.sort(BY_PORT);
            changeSet.remove(removed, EventType.REMOVED);
            changeSet.onCommit(() -> removed.forEach(allocation -> LOG.infof(
                    "Removed expired allocation %s of %s and freed port %d (no heartbeat since %s)%s",
                    allocation.allocationId(), allocation.serviceName(), allocation.port(),
                    allocation.lastHeartbeat(), force ? "; cleanup forced" : "")));
            return removed;
        }));
    }

    /**
     * The expiry pass, on the hosts with allocations quiet now ({@link LeaseDeadlines}: the others are not looked
     * at) and those in self-preservation. Self-preservation: when more than the threshold of a host's Active,
     * non-reserved allocations (and at least {@value #SELF_PRESERVATION_MIN_ALLOCATIONS}) have been quiet for half
     * their timeout, the host is far likelier cut off from the registry (or the clock jumped) than half its services
     * dead at once, so nothing on it expires. Quiet for half the timeout, not due: in a partition the services'
     * last heartbeats are spread over their interval, so they become due one after another, and a rule on the due
     * ones alone would expire the first half before it saw the pattern. It ends by itself when the heartbeats come
     * back, and the host's silence until then does not count. {@code force} (an admin's cleanup) expires regardless.
     */
    private List<Allocation> expireDue(ChangeSet changeSet, Set<String> locked, boolean force) {
        Instant now = changeSet.now();
        Duration timeout = config.heartbeatTimeout();
        double threshold = config.selfPreservation().threshold();
        Instant quietBefore = now.minus(timeout.dividedBy(2));
        List<Allocation> expiredNow = new ArrayList<>();
        // only the hosts with quiet allocations, and those in self-preservation (to see it end), have anything to do
        Map<String, List<Allocation>> quietByHost = deadlines.quietAt(now, this::countsFrom);
        for (String host : locked) { // a host quiet since the pass was queued waits for the next: it is not locked
            if (!quietByHost.containsKey(host) && !selfPreserving.contains(host)
                    || changeSet.index().existing(host).isEmpty()) {
                continue;
            }
            Instant countsFrom = countsFrom(host);
            long active = changeSet.table(host).all().stream()
                    .filter(allocation -> allocation.status() == AllocationStatus.ACTIVE).count();
            List<Allocation> quiet = refreshHeartbeats(changeSet, quietByHost.getOrDefault(host, List.of()).stream()
                    .sorted(Comparator.comparingInt(Allocation::port)).toList()).stream()
                    .filter(allocation -> allocation.status() == AllocationStatus.ACTIVE) // Draining: drain time
                    .filter(allocation -> latest(allocation.lastHeartbeat(), countsFrom).isBefore(quietBefore))
                    .toList();
            boolean partitioned = threshold < 1 && active >= SELF_PRESERVATION_MIN_ALLOCATIONS
                    && quiet.size() > threshold * active;
            if (!force && !quiet.isEmpty() && dark.test(host)) {
                // the host's own agent is silent as well: the host is cut off, whatever share of it went quiet
                if (selfPreserving.add(host)) {
                    LOG.warnf("Self-preservation on host %s: its agent has stopped reporting and %d of its %d"
                            + " allocations went quiet; the host is dark, so none of them expires until it reports"
                            + " again", host, quiet.size(), active);
                }
                continue;
            }
            if (partitioned && !force) {
                if (selfPreserving.add(host)) {
                    LOG.warnf("Self-preservation on host %s: %d of its %d allocations went quiet together (more than"
                                    + " %.0f%%); expiring none of them, since the host has likelier lost its network to"
                                    + " the registry than its services. Force it with POST /ports/cleanup?force=true",
                            host, quiet.size(), active, threshold * 100);
                }
                continue;
            }
            if (selfPreserving.remove(host)) {
                hostResumedAt.put(host, now);
                LOG.infof("Self-preservation on host %s ended: %d of %d allocations quiet; their silence until now"
                        + " does not count", host, quiet.size(), active);
                if (!force) {
                    continue;
                }
            }
            for (Allocation allocation : quiet) {
                Instant base = force ? allocation.lastHeartbeat() : latest(allocation.lastHeartbeat(), countsFrom);
                if (base.plus(timeout).isBefore(now)) {
                    Allocation expired = allocation.withStatus(AllocationStatus.EXPIRED);
                    changeSet.replace(allocation, expired, EventType.EXPIRED);
                    expiredNow.add(expired);
                }
            }
        }
        changeSet.onCommit(() -> expiredNow.forEach(allocation -> LOG.infof(
                "Expired allocation %s of %s on port %d: no heartbeat since %s; the port stays held until cleanup",
                allocation.allocationId(), allocation.serviceName(), allocation.port(), allocation.lastHeartbeat())));
        return expiredNow;
    }

    /**
     * The candidates with the heartbeat times the store holds, where they are newer (answered by another replica;
     * on a store of this process alone memory is never older). Called inside the host's transaction.
     */
    private List<Allocation> refreshHeartbeats(ChangeSet changeSet, List<Allocation> candidates) {
        if (candidates.isEmpty() || !shared) {
            return candidates;
        }
        Map<UUID, Instant> stored = changeSet.transaction().lastHeartbeats(candidates.stream()
                .map(Allocation::allocationId).toList());
        List<Allocation> refreshed = new ArrayList<>(candidates.size());
        for (Allocation allocation : candidates) {
            Instant lastHeartbeat = stored.getOrDefault(allocation.allocationId(), allocation.lastHeartbeat());
            if (lastHeartbeat.isAfter(allocation.lastHeartbeat())) {
                allocation = allocation.withHeartbeat(lastHeartbeat);
                changeSet.index().touch(allocation);
            }
            refreshed.add(allocation);
        }
        return refreshed;
    }

    /** From when a host's silence counts: the later of the resumption after downtime and after self-preservation. */
    private Instant countsFrom(String host) {
        return latest(expiryResumedAt, hostResumedAt.getOrDefault(host, Instant.EPOCH));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
