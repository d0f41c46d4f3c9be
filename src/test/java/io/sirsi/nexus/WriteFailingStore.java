package io.sirsi.nexus;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.StoreUnavailableException;
import io.sirsi.nexus.store.AllocationStore;
import io.sirsi.nexus.store.JdbcAllocationStore;
import io.sirsi.nexus.store.StoreWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The real store, except that the next writes can be made to fail as a full disk would, at once or held until the
 * test lets them fail (so that requests pile up behind the failing one). Enabled by {@link StoreFailureProfile} only.
 */
@Alternative
@ApplicationScoped
public class WriteFailingStore implements AllocationStore {

    private final JdbcAllocationStore store;
    private final AtomicInteger writesToFail = new AtomicInteger();
    private volatile CountDownLatch holding;
    private volatile CountDownLatch held;

    public WriteFailingStore(JdbcAllocationStore store) {
        this.store = store;
    }

    /** The next {@code count} writes fail at once. */
    public void failNextWrites(int count) {
        CountDownLatch stillHeld = holding;
        if (stillHeld != null) {
            stillHeld.countDown();
        }
        holding = null;
        writesToFail.set(count);
    }

    /** The next write waits for {@link #failHeldWrite()}, then fails. */
    public void holdNextWrite() {
        holding = new CountDownLatch(1);
        held = new CountDownLatch(1);
        writesToFail.set(1);
    }

    /** Returns once the held write has begun, i.e. the registry's writer is inside it. */
    public void awaitHeldWrite() throws InterruptedException {
        if (!held.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no write reached the store within 30 s");
        }
    }

    public void failHeldWrite() {
        holding.countDown();
    }

    @Override
    public void write(List<StoreWrite> writes) {
        if (writesToFail.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            CountDownLatch hold = holding;
            if (hold != null) {
                held.countDown();
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            throw new StoreUnavailableException("the registry cannot write allocations: disk full (test)", null);
        }
        store.write(writes);
    }

    @Override
    public boolean shared() {
        return store.shared();
    }

    @Override
    public <T> T inHostTransaction(String host, Supplier<T> work) {
        return store.inHostTransaction(host, work);
    }

    @Override
    public void open() {
        store.open();
    }

    @Override
    public List<Allocation> loadAll(String host) {
        return store.loadAll(host);
    }

    @Override
    public Optional<Allocation> findByName(String host, String serviceName) {
        return store.findByName(host, serviceName);
    }

    @Override
    public Optional<Allocation> findByPort(String host, int port) {
        return store.findByPort(host, port);
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public String location() {
        return store.location();
    }
}
