package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one registry operation changes. Each change is applied to the {@link RegistryIndex} as it is decided, so the
 * next decision sees it; the store writes and the events for the change log are collected to be committed as one
 * unit; if the store refuses them, {@link #undo} takes them out of the index again; {@link #committed} reports them
 * (logs, counters) once durable.
 */
final class ChangeSet {

    private final RegistryIndex index;
    private final LeaseDeadlines deadlines;
    private final HostTransaction transaction;
    private final Instant now;
    private final List<StoreWrite> writes = new ArrayList<>();
    private final List<ChangeEvent> events = new ArrayList<>();
    /** Most recent first. */
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<Runnable> reports = new ArrayList<>();

    ChangeSet(RegistryIndex index, LeaseDeadlines deadlines, HostTransaction transaction, Instant now) {
        this.index = index;
        this.deadlines = deadlines;
        this.transaction = transaction;
        this.now = now;
    }

    /** The store transaction the change is decided in, for what the decision must read from the store. */
    HostTransaction transaction() {
        return transaction;
    }

    /** The moment the change is decided at: its allocations' times and its events' time. */
    Instant now() {
        return now;
    }

    PortTable table(String host) {
        return index.table(host);
    }

    RegistryIndex index() {
        return index;
    }

    void add(Allocation allocation, EventType event) {
        index.put(allocation);
        deadlines.added(allocation);
        writes.add(new StoreWrite.Insert(allocation));
        log(event, allocation);
        undo.push(() -> index.remove(allocation)); // its deadline is dropped when it comes
    }

    void replace(Allocation previous, Allocation next, EventType event) {
        index.put(next);
        deadlines.changed(previous, next);
        writes.add(new StoreWrite.Update(next));
        log(event, next);
        undo.push(() -> {
            index.restore(previous, next);
            deadlines.changed(next, previous);
        });
    }

    void remove(List<Allocation> allocations, EventType event) {
        if (allocations.isEmpty()) {
            return;
        }
        allocations.forEach(allocation -> index.free(allocation, now)); // their deadlines are dropped when they come
        writes.add(new StoreWrite.Delete(allocations.stream().map(Allocation::allocationId).toList()));
        allocations.forEach(allocation -> log(event, allocation));
        undo.push(() -> allocations.forEach(allocation -> {
            index.put(allocation);
            deadlines.added(allocation);
        }));
    }

    /**
     * A write beside those of the allocation's change, which the index already reflects (a drain's time); undone
     * with the change it goes with.
     */
    void write(StoreWrite write) {
        writes.add(write);
    }

    /** Writes heartbeat times the index already holds; not an event. */
    void touch(Map<UUID, Instant> lastHeartbeats) {
        if (!lastHeartbeats.isEmpty()) {
            writes.add(new StoreWrite.Touch(Map.copyOf(lastHeartbeats)));
        }
    }

    /** An event about the allocation that changes nothing of it (what a host's agent saw of it): logged only. */
    void note(EventType event, Allocation allocation) {
        log(event, allocation);
    }

    private void log(EventType type, Allocation allocation) {
        events.add(new ChangeEvent(0, type, now, allocation));
    }

    /** Runs if the changes are undone: for state kept outside the index. */
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

    /** The events of the change, without their revisions, which the store hands out at commit. */
    List<ChangeEvent> events() {
        return events;
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    void undo() {
        undo.forEach(Runnable::run);
        undo.clear();
    }

    void committed() {
        reports.forEach(Runnable::run);
    }
}
