package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every host's allocations in memory, and the revision of the change log they reflect. Both stores keep it; they
 * differ only in how it learns of other writers (see {@link PortRegistry}).
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
        return tables.values().stream().flatMap(table -> table.byName(serviceName).stream()).toList();
    }

    Stream<Allocation> all() {
        return tables.values().stream().flatMap(table -> table.all().stream());
    }

    void put(Allocation allocation) {
        table(allocation.host()).put(allocation);
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
