package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.StoreUnavailableException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Whether the store takes writes, as the writes themselves found: failing from a write that failed until one
 * succeeds. A store can answer reads while refusing every write (a full disk, a read-only or immutable file), so a
 * read alone cannot tell readiness the truth. While failing, readiness probes with a write of its own
 * ({@link #recovered}), so the state clears by itself once the store is back, even when no client writes. When it
 * clears, {@code onRecovery} runs: connections opened during the fault may keep what it did to them.
 */
final class WriteHealth {

    /** One failure; compared by identity, so a probe clears only the failure it saw, never a newer one. */
    record Failure(String message) {
    }

    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final Runnable onRecovery;

    WriteHealth(Runnable onRecovery) {
        this.onRecovery = onRecovery;
    }

    /** Runs a write and records how it went; a refusal by a constraint says nothing about the store's health. */
    <T> T track(Supplier<T> write) {
        T result;
        try {
            result = write.get();
        } catch (StoreUnavailableException e) {
            failed(e);
            throw e;
        }
        succeeded();
        return result;
    }

    /** A write committed. */
    void succeeded() {
        // read first: every commit comes here, and one in a healthy state need not write the shared field
        if (failure.get() != null && failure.getAndSet(null) != null) {
            onRecovery.run();
        }
    }

    /** A write failed for want of the store (not a constraint). */
    void failed(StoreUnavailableException e) {
        failure.set(new Failure(e.getMessage()));
    }

    /** The failure of the last write, unless a write (or probe) has succeeded since. */
    Optional<Failure> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** A probe write succeeded after {@code seen}; a write that failed meanwhile keeps its failure. */
    void recovered(Failure seen) {
        if (failure.compareAndSet(seen, null)) {
            onRecovery.run();
        }
    }
}
