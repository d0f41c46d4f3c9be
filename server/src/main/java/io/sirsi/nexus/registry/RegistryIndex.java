package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Every host's allocations in memory, and the revision of the change log they reflect. Both stores keep it; they
 * differ only in how it learns of other writers (see {@link IndexReplica}). A host's table exists while the host
 * holds something or a port of it cools: {@link #forgetIdle} drops it after, so a host used once costs nothing.
 *
 * <p>One writer at a time (the registry's lock), readers without a lock, as {@link PortTable} says. The revision is
 * that of the last event applied; a change decided on the index but not yet committed may be visible a moment
 * before its revision is.
 */
final class RegistryIndex {

    private final Map<String, PortTable> tables = new ConcurrentHashMap<>();
    private final Function<String, PortTable> newTable;
    private volatile long revision;

    RegistryIndex(Function<String, PortTable> newTable) {
        this.newTable = newTable;
    }

    /** The host's table, created empty on first use. */
    PortTable table(String host) {
        return tables.computeIfAbsent(host, newTable);
    }

    /** The host's table if the host has ever held an allocation here. */
    Optional<PortTable> existing(String host) {
        return Optional.ofNullable(tables.get(host));
    }

    /** Every host's table, as a live view. */
    Collection<PortTable> tables() {
        return Collections.unmodifiableCollection(tables.values());
    }

    Collection<String> hosts() {
        return List.copyOf(tables.keySet());
    }

    Optional<Allocation> byId(UUID allocationId) {
        for (PortTable table : tables.values()) {
            Optional<Allocation> found = table.byId(allocationId);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The service's allocation on every host it has one on. */
    List<Allocation> instances(String serviceName) {
        // a plain loop: a lookup by name is the hottest read, and most registries have one host (issue 23)
        List<Allocation> found = List.of();
        for (PortTable table : tables.values()) {
            Allocation instance = table.named(serviceName);
            if (instance != null) {
                if (found.isEmpty()) {
                    found = List.of(instance);
                } else {
                    if (found.size() == 1) {
                        found = new ArrayList<>(found);
                    }
                    found.add(instance);
                }
            }
        }
        return found;
    }

    /** How many allocations every host holds. */
    int size() {
        int size = 0;
        for (PortTable table : tables.values()) {
            size += table.size();
        }
        return size;
    }

    Stream<Allocation> all() {
        return tables.values().stream().flatMap(table -> table.all().stream());
    }

    void put(Allocation allocation) {
        table(allocation.host()).put(allocation);
    }

    /**
     * Records a heartbeat answered from memory: the one write to the index outside a {@link ChangeSet}, since it
     * changes no port and logs no event. A change decided before it and undone after keeps its time: see
     * {@link #restore}.
     */
    void touch(Allocation renewed) {
        put(renewed);
    }

    /**
     * Puts back the allocation a change replaced, undoing it; a heartbeat {@link #touch}ed in since the change was
     * decided keeps its time, since its reply has gone out.
     */
    void restore(Allocation previous, Allocation replacement) {
        put(existing(previous.host()).flatMap(table -> table.byId(previous.allocationId()))
                .filter(current -> current.lastHeartbeat().isAfter(replacement.lastHeartbeat()))
                .map(current -> previous.withHeartbeat(current.lastHeartbeat()))
                .orElse(previous));
    }

    /**
     * Drops the tables of these hosts that hold nothing and where no port cools, unless {@code keep} says a host's
     * state must stay; returns the hosts dropped. Called with the lock held, by the writer only.
     */
    List<String> forgetIdle(Collection<String> hosts, Instant now, Predicate<String> keep) {
        List<String> dropped = new ArrayList<>();
        for (String host : hosts) {
            PortTable table = tables.get(host);
            if (table != null && !keep.test(host) && table.idle(now)) {
                tables.remove(host);
                dropped.add(host);
            }
        }
        return dropped;
    }

    void remove(Allocation allocation) {
        existing(allocation.host()).ifPresent(table -> table.remove(allocation));
    }

    /** Removes the allocation as freed at this moment (its port cools; see {@link PortTable#free}). */
    void free(Allocation allocation, Instant at) {
        existing(allocation.host()).ifPresent(table -> table.free(allocation, at));
    }

    /** Applies an event another writer committed: the allocation as the event left it. */
    void apply(ChangeEvent event) {
        if (event.type().freesPort()) {
            free(event.allocation(), event.at());
        } else {
            put(event.allocation());
        }
        revision = event.revision();
    }

    long revision() {
        return revision;
    }

    /** Marks events up to this revision as applied: this process's own, already in the index since decided. */
    void advanceTo(long applied) {
        if (applied > revision) {
            revision = applied;
        }
    }

    /** Replaces everything with a snapshot of the store. */
    void reset(AllocationStore.Snapshot snapshot) {
        tables.clear();
        snapshot.allocations().forEach(this::put);
        revision = snapshot.revision();
    }
}
