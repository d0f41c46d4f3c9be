package io.sirsi.nexus;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.StoreUnavailableException;
import io.sirsi.nexus.store.AllocationStore;
import io.sirsi.nexus.store.JdbcAllocationStore;
import io.sirsi.nexus.store.StoreWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The real store, except that the next writes can be made to fail as a full disk would: after a pause, so that
 * requests pile up behind the failing one. Enabled by {@link StoreFailureProfile} only.
 */
@Alternative
@ApplicationScoped
public class WriteFailingStore implements AllocationStore {

    private final JdbcAllocationStore store;
    private final AtomicInteger writesToFail = new AtomicInteger();
    private volatile Duration pauseBeforeFailing = Duration.ZERO;

    public WriteFailingStore(JdbcAllocationStore store) {
        this.store = store;
    }

    /** The next {@code count} writes fail, each after the pause. */
    public void failNextWrites(int count, Duration pause) {
        pauseBeforeFailing = pause;
        writesToFail.set(count);
    }

    @Override
    public void write(List<StoreWrite> writes) {
        if (writesToFail.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            try {
                Thread.sleep(pauseBeforeFailing.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
