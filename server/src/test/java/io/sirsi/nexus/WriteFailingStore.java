package io.sirsi.nexus;

import io.sirsi.nexus.registry.AllocationStore;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.DrainDeadline;
import io.sirsi.nexus.registry.HistoryQuery;
import io.sirsi.nexus.registry.HostTransaction;
import io.sirsi.nexus.registry.Maintenance;
import io.sirsi.nexus.registry.StoreUnavailableException;
import io.sirsi.nexus.registry.StoreWrite;
import io.sirsi.nexus.store.JdbcAllocationStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The real store, except that the next writes can be made to fail as a full disk would, at once or held until the
 * test lets them fail (so that requests pile up behind the failing one). Enabled by {@link StoreFailureProfile} only.
 */
@Alternative
@ApplicationScoped
public class WriteFailingStore implements AllocationStore {

    private final JdbcAllocationStore store;
    private final AtomicInteger writesToFail = new AtomicInteger();
    private final AtomicBoolean breakNext = new AtomicBoolean();
    private final AtomicInteger pings = new AtomicInteger();
    private volatile boolean down;
    private final java.util.concurrent.atomic.AtomicInteger markAliveFailures =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile CountDownLatch holding;
    private volatile CountDownLatch held;

    public WriteFailingStore(JdbcAllocationStore store) {
        this.store = store;
    }

    /** The next {@code count} writes fail at once. */
    public void failNextWrites(int count) {
        breakNext.set(false);
        CountDownLatch stillHeld = holding;
        if (stillHeld != null) {
            stillHeld.countDown();
        }
        holding = null;
        writesToFail.set(count);
    }

    /** The next write fails as a bug would: with an exception the registry does not expect from a store. */
    public void breakNextWrite() {
        breakNext.set(true);
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
    public boolean shared() {
        return store.shared();
    }

    /** The real transaction, except that its write fails while {@link #writesToFail} says so. */
    @Override
    public <T> T inHostTransaction(Collection<String> hosts, long appliedRevision,
            Function<HostTransaction, T> work) {
        return store.inHostTransaction(hosts, appliedRevision,
                transaction -> work.apply(new FailingWrites(transaction)));
    }

    private final class FailingWrites implements HostTransaction {

        private final HostTransaction transaction;

        FailingWrites(HostTransaction transaction) {
            this.transaction = transaction;
        }

        @Override
        public long write(List<StoreWrite> writes, List<ChangeEvent> events) {
            failIfAsked();
            return transaction.write(writes, events);
        }

        @Override
        public long commit(List<StoreWrite> writes, List<ChangeEvent> events) {
            failIfAsked();
            return transaction.commit(writes, events);
        }

        @Override
        public List<ChangeEvent> history(HistoryQuery query) {
            return transaction.history(query);
        }

        @Override
        public Map<UUID, Instant> lastHeartbeats(Collection<UUID> allocationIds) {
            return transaction.lastHeartbeats(allocationIds);
        }

        @Override
        public List<ChangeEvent> eventsAfter(long revision, int limit) {
            return transaction.eventsAfter(revision, limit);
        }

        @Override
        public List<DrainDeadline> drainsDue(Instant now) {
            return transaction.drainsDue(now);
        }

        @Override
        public Optional<Maintenance> maintenance(String host) {
            return transaction.maintenance(host);
        }

        @Override
        public Snapshot load() {
            return transaction.load();
        }
    }

    private void failIfAsked() {
        if (breakNext.getAndSet(false)) {
            throw new IllegalStateException("a bug in the store (test)");
        }
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
    }

    @Override
    public void open() {
        store.open();
    }

    @Override
    public Snapshot load() {
        return store.load();
    }

    @Override
    public long headRevision() {
        return store.headRevision();
    }

    @Override
    public long oldestRevision() {
        return store.oldestRevision();
    }

    @Override
    public List<ChangeEvent> eventsAfter(long revision, int limit) {
        return store.eventsAfter(revision, limit);
    }

    @Override
    public List<ChangeEvent> history(HistoryQuery query) {
        return store.history(query);
    }

    @Override
    public HeldPorts heldPorts(String host) {
        return store.heldPorts(host);
    }

    @Override
    public java.util.Optional<Long> firstRevisionAt(Instant at) {
        return store.firstRevisionAt(at);
    }

    @Override
    public List<ChangeEvent> hostEvents(String host, long first, long last, int limit) {
        return store.hostEvents(host, first, last, limit);
    }

    @Override
    public int prune(Instant olderThan, long maxEvents, int chunk) {
        return store.prune(olderThan, maxEvents, chunk);
    }

    @Override
    public Instant markAlive(Instant now, java.time.Duration downAfter) {
        if (down) {
            markAliveFailures.incrementAndGet();
            throw new StoreUnavailableException("the registry cannot record that it is alive: its database is"
                    + " unavailable; nothing was changed", new java.sql.SQLException("disk I/O error"));
        }
        return store.markAlive(now, downAfter);
    }

    /** How many times the registry's every-second record that it is alive failed while the store was down. */
    public int markAliveFailures() {
        return markAliveFailures.get();
    }

    @Override
    public List<DrainDeadline> drainsDue(Instant now) {
        return store.drainsDue(now);
    }

    @Override
    public List<Maintenance> maintenances() {
        return store.maintenances();
    }

    @Override
    public Map<String, List<String>> reportedAddresses() {
        return store.reportedAddresses();
    }

    @Override
    public void saveReportedAddresses(String host, List<String> addresses, Instant at) {
        store.saveReportedAddresses(host, addresses, at);
    }

    @Override
    public void ping() {
        pings.incrementAndGet();
        if (down) {
            throw new StoreUnavailableException("the registry cannot take writes: its database is unavailable;"
                    + " nothing was changed", new java.sql.SQLException("disk I/O error"));
        }
        store.ping();
    }

    /**
     * The health check's pings, and the registry's record that it is alive, fail, as on a store that is down, until
     * {@link #comeBack()}.
     */
    public void goDown() {
        down = true;
    }

    public void comeBack() {
        down = false;
    }

    /** How many times the registry has asked whether the store is up (each a probe write while it is down). */
    public int pings() {
        return pings.get();
    }

    @Override
    public String location() {
        return store.location();
    }
}
