package io.sirsi.nexus.registry;

import io.sirsi.nexus.store.StoreWrite;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one registry operation changes. Each change is applied to the {@link PortTable} as it is decided, so the
 * next decision sees it; the store writes are collected to be committed as one unit; if the store refuses them,
 * {@link #undo} takes them out of the table again; {@link #committed} reports them (logs, counters) once durable.
 */
final class ChangeSet {

    private final PortTable table;
    private final List<StoreWrite> writes = new ArrayList<>();
    /** Most recent first. */
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<Runnable> reports = new ArrayList<>();

    ChangeSet(PortTable table) {
        this.table = table;
    }

    PortTable table() {
        return table;
    }

    void add(Allocation allocation) {
        table.put(allocation);
        writes.add(new StoreWrite.Insert(allocation));
        undo.push(() -> table.remove(allocation));
    }

    void replace(Allocation previous, Allocation next) {
        table.put(next);
        writes.add(new StoreWrite.Update(next));
        undo.push(() -> table.put(table.byId(previous.allocationId())
                .filter(current -> current.lastHeartbeat().isAfter(next.lastHeartbeat()))
                .map(current -> previous.withHeartbeat(current.lastHeartbeat())) // a heartbeat answered since stays
                .orElse(previous)));
    }

    void remove(List<Allocation> allocations) {
        if (allocations.isEmpty()) {
            return;
        }
        allocations.forEach(table::remove);
        writes.add(new StoreWrite.Delete(allocations.stream().map(Allocation::allocationId).toList()));
        undo.push(() -> allocations.forEach(table::put));
    }

    /** Writes heartbeat times the table already holds. */
    void touch(Map<UUID, Instant> lastHeartbeats) {
        if (!lastHeartbeats.isEmpty()) {
            writes.add(new StoreWrite.Touch(Map.copyOf(lastHeartbeats)));
        }
    }

    /** Runs if the changes are undone: for state kept outside the table. */
    void onUndo(Runnable restore) {
        undo.push(restore);
    }

    /** Runs once the changes are durable: log lines and counters must not speak of what a crash would forget. */
    void onCommit(Runnable report) {
        reports.add(report);
    }

    List<StoreWrite> writes() {
        return writes;
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    void undo() {
        undo.forEach(Runnable::run);
    }

    void committed() {
        reports.forEach(Runnable::run);
    }
}
