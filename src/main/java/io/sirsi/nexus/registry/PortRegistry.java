package io.sirsi.nexus.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sirsi.nexus.store.AllocationStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The port registry of one host: allocates, heartbeats, releases and expires allocations, and answers lookups.
 *
 * <p>Concurrency rule: every change is decided on a {@link PortTable} of the host's allocations inside
 * {@link #change}, as a {@link ChangeSet}, and every lookup reads such a table in {@link #reading}. Where the table
 * comes from depends on the store:
 * <ul>
 * <li>a store of this process alone (SQLite): the table is an index in memory, loaded at start. Changes are
 * decided under {@link #lock}, which is never held across I/O, and committed by {@link GroupCommit}, many
 * requests to one transaction; lookups read the table without any lock and never touch the database;</li>
 * <li>a store that other replicas share (PostgreSQL): memory cannot be trusted, because another process may have
 * changed the allocations a moment ago. Every change loads the host's table inside a transaction that holds the
 * host's lock in the database ({@link AllocationStore#inHostTransaction}), and every lookup reads the database.</li>
 * </ul>
 * Either way no two requests can be granted one port, and nothing is acknowledged that a restart would forget. On
 * the local store a lookup may see a change a moment before its commit; should the commit fail, the change is
 * undone and its request fails.
 */
@ApplicationScoped
public class PortRegistry {

    private static final Logger LOG = Logger.getLogger(PortRegistry.class);
    private static final Comparator<Allocation> BY_PORT = Comparator.comparingInt(Allocation::port);
    /** How often a change that lost a race in the store (unique constraint, serialization) is tried in all. */
    private static final int ATTEMPTS = 5;

    private final ReentrantLock lock = new ReentrantLock();
    private final AllocationStore store;
    /** Whether other registry processes share the store; see the class comment. */
    private final boolean sharedStore;
    /** Only for a store of this process alone. */
    private final GroupCommit groupCommit;
    private final RegistryConfig config;
    private final boolean serverEnabled;
    private final Clock clock = Clock.systemUTC();
    private final Map<ServiceType, PortRange> ranges;
    private final Map<ServiceType, Counter> granted = new EnumMap<>(ServiceType.class);
    private final Counter released;
    private final Counter heartbeats;
    private final Counter expired;
    private final MeterRegistry meters;
    private final Set<Integer> reservedPorts;
    /** The in-memory index; only for a store of this process alone. */
    private volatile PortTable table;
    /**
     * Heartbeat times not yet written, guarded by {@link #lock}; only for a store of this process alone. A heartbeat
     * changes no port, so its time need not reach disk before the reply: {@link #flushHeartbeats} queues them all
     * for one transaction every second, and a crash loses at most that second of heartbeat times, never an
     * allocation.
     */
    private final Map<UUID, Instant> unflushedHeartbeats = new HashMap<>();
    private volatile boolean open;

    public PortRegistry(AllocationStore store, RegistryConfig config, MeterRegistry meters,
            @ConfigProperty(name = "sirsi.server.enabled", defaultValue = "true") boolean serverEnabled) {
        this.store = store;
        this.config = config;
        this.meters = meters;
        this.serverEnabled = serverEnabled;
        this.ranges = RegistrySettings.ranges(config.ranges());
        this.reservedPorts = config.reservedPorts().orElse(Set.of());
        for (ServiceType type : ServiceType.values()) {
            granted.put(type, meters.counter("sirsi.allocations.granted", "type", type.wireName()));
        }
        this.released = meters.counter("sirsi.allocations.released");
        this.heartbeats = meters.counter("sirsi.heartbeats");
        this.expired = meters.counter("sirsi.allocations.expired");
        this.sharedStore = store.shared();
        this.groupCommit = new GroupCommit(store, lock);
    }

    /**
     * Opens the store after the beans that check their settings at start-up (API keys, rate limits): a replica
     * with a setting it cannot use must stop before it touches the stored allocations, which others may share.
     */
    void onStart(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 100) StartupEvent event) {
        if (serverEnabled) {
            open();
        }
    }

    /** Opens the store, loads every allocation it holds and applies the static reservations of the configuration. */
    public void open() {
        store.open();
        if (!sharedStore) {
            table = loadTable();
            groupCommit.start();
        }
        int loaded = await(change(changes -> {
            applyStaticReservations(changes);
            return changes.table().size();
        }));
        open = true;
        LOG.infof("Port registry ready: %d allocations on host %s in %s (%s); heartbeat timeout %s,"
                        + " cleanup every %s, %d reserved ports, bind check %s",
                loaded, config.host(), store.location(),
                sharedStore ? "shared with other replicas, lookups read the database"
                        : "lookups from memory, changes committed in groups",
                config.heartbeatTimeout(), config.cleanupInterval(), reservedPorts.size(),
                config.bindCheck() ? "on" : "off");
    }

    /** True once {@link #open()} has loaded the store. */
    public boolean isOpen() {
        return open;
    }

    /** True when lookups and the deciding of changes never wait for I/O: the store is this process's alone. */
    public boolean answersFromMemory() {
        return !sharedStore;
    }

    /**
     * Grants a port: the service's existing allocation if it has one, else a new one chosen by
     * {@link PortTable#choosePort}. Completes only once the allocation is stored. Throws at once for a request
     * that cannot be granted.
     */
    public CompletionStage<Grant> allocate(AllocationRequest request) {
        return changeWhenOpen(changes -> {
            Instant now = now();
            Optional<Allocation> existing = changes.table().byName(request.serviceName());
            if (existing.isPresent()) {
                return new Grant(renew(changes, existing.get(), request, now), false);
            }
            int port;
            try {
                port = changes.table().choosePort(request.serviceType(), request.preferredPort(),
                        request.required());
            } catch (RegistryException e) {
                countConflict(e);
                throw e;
            }
            Allocation allocation = new Allocation(UUID.randomUUID(), config.host(), port, request.serviceName(),
                    request.serviceType(), request.processId(), now, now, false);
            changes.add(allocation);
            changes.onCommit(() -> {
                granted.get(request.serviceType()).increment();
                // concatenated, not infof: a printf pattern is parsed anew for every line (measured: 3 % of an
                // allocate+release cycle's CPU), and these lines come thousands a second
                LOG.info("Allocated port " + port + " to " + allocation.serviceName() + " (" + allocation.serviceType()
                        + ", allocation " + allocation.allocationId() + ")");
            });
            return new Grant(allocation, true);
        });
    }

    /** A service asking again (it restarted): it keeps its allocation, which counts as a heartbeat. */
    private Allocation renew(ChangeSet changes, Allocation existing, AllocationRequest request, Instant now) {
        if (existing.serviceType() != request.serviceType()) {
            countConflict(null);
            throw new ServiceConflictException("service '" + existing.serviceName() + "' already holds port "
                    + existing.port() + " as " + existing.serviceType() + "; release allocation "
                    + existing.allocationId() + " before allocating it as " + request.serviceType());
        }
        if (request.required() && request.preferredPort().isPresent() && request.preferredPort().get() != existing.port()) {
            countConflict(null);
            throw new PortUnavailableException("service '" + existing.serviceName() + "' already holds port "
                    + existing.port() + "; release allocation " + existing.allocationId() + " before requiring port "
                    + request.preferredPort().get());
        }
        if (existing.reserved()) {
            return existing;
        }
        Allocation renewed = new Allocation(existing.allocationId(), existing.host(), existing.port(),
                existing.serviceName(), existing.serviceType(), request.processId().or(existing::processId),
                existing.allocatedAt(), now, false);
        changes.replace(existing, renewed);
        Instant unflushed = unflushedHeartbeats.remove(renewed.allocationId()); // an older time must not follow it
        if (unflushed != null) {
            changes.onUndo(() -> unflushedHeartbeats.putIfAbsent(renewed.allocationId(), unflushed));
        }
        changes.onCommit(() -> LOG.info("Service " + existing.serviceName() + " asked again and keeps port "
                + existing.port() + " (allocation " + existing.allocationId() + ")"));
        return renewed;
    }

    /** Frees the allocation's port. Static reservations cannot be released: they belong to the configuration. */
    public CompletionStage<Allocation> release(UUID allocationId) {
        return changeWhenOpen(changes -> {
            Allocation allocation = changes.table().byId(allocationId).orElseThrow(() -> notFound(allocationId));
            if (allocation.reserved()) {
                throw new ServiceConflictException("allocation " + allocationId + " of '" + allocation.serviceName()
                        + "' is a static reservation; remove sirsi.ports.static." + allocation.serviceName()
                        + " from the configuration to free port " + allocation.port());
            }
            changes.remove(List.of(allocation));
            changes.onCommit(() -> {
                released.increment();
                LOG.info("Released port " + allocation.port() + " of " + allocation.serviceName() + " (allocation "
                        + allocationId + ")");
            });
            return allocation;
        });
    }

    /**
     * Records that the service is alive; revives an Expired allocation. On the local store it only changes memory
     * (see {@link #unflushedHeartbeats}); on a shared store the time is written before the reply, for the other
     * replicas.
     */
    public Allocation heartbeat(UUID allocationId) {
        return await(changeWhenOpen(changes -> {
            Allocation allocation = changes.table().byId(allocationId).orElseThrow(() -> notFound(allocationId));
            heartbeats.increment();
            if (allocation.reserved()) {
                return allocation;
            }
            Instant now = now();
            Allocation renewed = allocation.withHeartbeat(now);
            changes.table().put(renewed); // kept by the undo of a change queued before it (ChangeSet.replace)
            if (sharedStore) {
                changes.touch(Map.of(allocationId, now));
            } else {
                unflushedHeartbeats.put(allocationId, now);
            }
            LOG.debugf("Heartbeat from %s (allocation %s)", allocation.serviceName(), allocationId);
            return renewed;
        }));
    }

    /** Writes the heartbeat times recorded in memory since the last flush, in one transaction. */
    public void flushHeartbeats() {
        if (!open || sharedStore) {
            return;
        }
        await(change(changes -> {
            // queued behind the changes decided before: an id released meanwhile updates no row
            Map<UUID, Instant> batch = new HashMap<>(unflushedHeartbeats);
            unflushedHeartbeats.clear();
            changes.touch(batch);
            changes.onUndo(() -> batch.forEach(unflushedHeartbeats::putIfAbsent)); // newer times win
            return null;
        }));
    }

    void closeOnShutdown(@Observes ShutdownEvent event) {
        try {
            flushHeartbeats();
        } catch (RegistryException e) {
            LOG.warnf("Heartbeat times of the last second not written at shutdown: %s", e.getMessage());
        }
        if (open && !sharedStore) {
            groupCommit.close();
        }
    }

    /** Removes every Expired allocation and frees its port; returns what was removed. */
    public List<Allocation> cleanup() {
        return await(changeWhenOpen(changes -> {
            Instant now = now();
            List<Allocation> expiredNow = changes.table().all().stream()
                    .filter(allocation -> allocation.isExpired(now, config.heartbeatTimeout()))
                    .sorted(BY_PORT)
                    .toList();
            changes.remove(expiredNow);
            changes.onCommit(() -> {
                expired.increment(expiredNow.size());
                expiredNow.forEach(allocation -> LOG.infof(
                        "Expired port %d of %s (allocation %s): no heartbeat since %s", allocation.port(),
                        allocation.serviceName(), allocation.allocationId(), allocation.lastHeartbeat()));
            });
            return expiredNow;
        }));
    }

    public AllocationStatus statusOf(Allocation allocation) {
        return allocation.status(now(), config.heartbeatTimeout());
    }

    /** Every allocation, by port. */
    public List<Allocation> all() {
        return reading(ports -> ports.all().stream().sorted(BY_PORT).toList());
    }

    public Optional<Allocation> byName(String serviceName) {
        // the discovery hot path: on a shared store one indexed row, not the host's whole table
        return sharedStore ? afterOpen(() -> store.findByName(config.host(), serviceName))
                : reading(ports -> ports.byName(serviceName));
    }

    public Optional<Allocation> byPort(int port) {
        if (!PortRange.isValidPort(port)) {
            return Optional.empty();
        }
        return sharedStore ? afterOpen(() -> store.findByPort(config.host(), port))
                : reading(ports -> ports.byPort(port));
    }

    public List<Allocation> byType(ServiceType type) {
        return reading(ports -> ports.all().stream().filter(a -> a.serviceType() == type).sorted(BY_PORT).toList());
    }

    /** The range of every service type, in the order of {@link ServiceType}, with its use. */
    public List<RangeUsage> rangeUsage() {
        return reading(ports -> {
            List<RangeUsage> usage = new ArrayList<>();
            ranges.forEach((type, range) -> usage.add(
                    new RangeUsage(type, range, ports.held(type), ports.reservedIdle(type))));
            return usage;
        });
    }

    public RegistryStats stats() {
        List<Allocation> allocations = all(); // one read: the counts agree with each other
        Instant now = now();
        int active = 0;
        int reserved = 0;
        int expiredCount = 0;
        Map<ServiceType, Integer> byType = new EnumMap<>(ServiceType.class);
        for (Allocation allocation : allocations) {
            switch (allocation.status(now, config.heartbeatTimeout())) {
                case ACTIVE -> active++;
                case RESERVED -> reserved++;
                case EXPIRED -> expiredCount++;
            }
            byType.merge(allocation.serviceType(), 1, Integer::sum);
        }
        return new RegistryStats(allocations.size(), active, reserved, expiredCount, byType);
    }

    /** Fails with {@link StoreUnavailableException} unless the store answers now. */
    public void checkStore() {
        store.ping();
    }

    public String storeLocation() {
        return store.location();
    }

    /** How long an allocation stays Active without a heartbeat; clients heartbeat well within it. */
    public Duration heartbeatTimeout() {
        return config.heartbeatTimeout();
    }

    private void applyStaticReservations(ChangeSet changes) {
        PortTable ports = changes.table();
        Map<String, StaticReservation> declared = new LinkedHashMap<>();
        config.staticReservations().forEach((name, spec) -> declared.put(name, StaticReservation.parse(name, spec)));
        List<Allocation> undeclared = ports.all().stream()
                .filter(allocation -> allocation.reserved() && !declared.containsKey(allocation.serviceName()))
                .toList();
        changes.remove(undeclared);
        undeclared.forEach(allocation -> changes.onCommit(() -> LOG.infof("Static reservation %s of port %d is no"
                + " longer configured; port freed", allocation.serviceName(), allocation.port())));

        Instant now = now();
        for (StaticReservation reservation : declared.values()) {
            Optional<Allocation> current = ports.byName(reservation.serviceName());
            Optional<Allocation> holder = ports.byPort(reservation.port());
            if (current.isPresent() && current.get().reserved() && current.get().port() == reservation.port()
                    && current.get().serviceType() == reservation.serviceType()) {
                continue;
            }
            if (holder.isPresent() && !holder.get().serviceName().equals(reservation.serviceName())) {
                throw new IllegalStateException("sirsi.ports.static." + reservation.serviceName() + " reserves port "
                        + reservation.port() + ", which allocation " + holder.get().allocationId() + " of service '"
                        + holder.get().serviceName() + "' holds; release it or reserve another port");
            }
            if (current.isPresent() && !current.get().reserved() && current.get().port() != reservation.port()) {
                throw new IllegalStateException("sirsi.ports.static." + reservation.serviceName() + " reserves port "
                        + reservation.port() + ", but the service already holds port " + current.get().port()
                        + " (allocation " + current.get().allocationId() + "); release it or reserve that port");
            }
            Allocation allocation = new Allocation(reservation.allocationId(), config.host(), reservation.port(),
                    reservation.serviceName(), reservation.serviceType(), Optional.empty(),
                    current.map(Allocation::allocatedAt).orElse(now), now, true);
            current.ifPresent(previous -> changes.remove(List.of(previous)));
            changes.add(allocation);
            changes.onCommit(() -> LOG.infof("Static reservation: port %d for %s (%s)", reservation.port(),
                    reservation.serviceName(), reservation.serviceType()));
        }
    }

    private record StaticReservation(String serviceName, ServiceType serviceType, int port) {

        static StaticReservation parse(String name, String spec) {
            String key = "sirsi.ports.static." + name;
            if (!ServiceNames.isValid(name)) {
                throw new IllegalArgumentException(key + ": invalid service name; " + ServiceNames.RULE);
            }
            String[] parts = spec.split(":", -1);
            if (parts.length != 2 || !parts[1].strip().matches("\\d{1,5}")
                    || !PortRange.isValidPort(Integer.parseInt(parts[1].strip()))) {
                throw new IllegalArgumentException(key + "=" + spec + ": expected <type>:<port>, e.g. database:5432");
            }
            ServiceType type = ServiceType.fromWireName(parts[0].strip()).orElseThrow(() -> new IllegalArgumentException(
                    key + "=" + spec + ": unknown service type; expected one of " + ServiceType.wireNames()));
            return new StaticReservation(name, type, Integer.parseInt(parts[1].strip()));
        }

        /** Stable across restarts, so clients may keep it. */
        UUID allocationId() {
            return UUID.nameUUIDFromBytes(("sirsi-nexus static " + serviceName).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Runs a change once the registry is open; see the class comment for the rule. */
    private <T> CompletionStage<T> changeWhenOpen(Function<ChangeSet, T> action) {
        requireOpen();
        return change(action);
    }

    /**
     * Decides a change and has it committed; the stage completes once it is durable. The action throws to refuse
     * the change, and what it applied to the table is then undone.
     */
    private <T> CompletionStage<T> change(Function<ChangeSet, T> action) {
        if (sharedStore) {
            return CompletableFuture.completedFuture(changeShared(action));
        }
        ChangeSet changes = new ChangeSet(table);
        T result;
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            result = action.apply(changes);
            durable = changes.isEmpty() ? null : groupCommit.submit(changes);
        } catch (RuntimeException e) {
            changes.undo();
            throw e;
        } finally {
            lock.unlock();
        }
        if (durable == null) {
            changes.committed();
            return CompletableFuture.completedFuture(result);
        }
        return durable.thenApply(committed -> result);
    }

    /**
     * Runs the change on the host's table in one transaction under the host's lock, trying again when the store
     * reports that another writer won a race: the retry reloads the table, so it decides on what that writer
     * committed.
     */
    private <T> T changeShared(Function<ChangeSet, T> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                ChangeSet[] changes = new ChangeSet[1];
                T result = store.inHostTransaction(config.host(), () -> {
                    changes[0] = new ChangeSet(loadTable());
                    T decided = action.apply(changes[0]);
                    if (!changes[0].isEmpty()) {
                        store.write(changes[0].writes());
                    }
                    return decided;
                });
                changes[0].committed();
                return result;
            } catch (StoreConflictException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                LOG.debugf("Store conflict, retrying (%d of %d): %s", attempt, ATTEMPTS, e.getMessage());
            }
        }
    }

    /** Waits for a change; its failure is thrown as it is, not wrapped. */
    private static <T> T await(CompletionStage<T> change) {
        try {
            return change.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Runs a lookup: on the index in memory, without a lock, or on what the shared store holds now. */
    private <T> T reading(Function<PortTable, T> action) {
        requireOpen();
        return action.apply(sharedStore ? loadTable() : table);
    }

    private <T> T afterOpen(Supplier<T> lookup) {
        requireOpen();
        return lookup.get();
    }

    /** The host's allocations as the store holds them now. */
    private PortTable loadTable() {
        PortTable loaded = new PortTable(ranges, reservedPorts,
                config.bindCheck() ? PortProbe::boundElsewhere : port -> false);
        store.loadAll(config.host()).forEach(loaded::put);
        return loaded;
    }

    private void requireOpen() {
        if (!open) {
            throw new StoreUnavailableException("the registry is still starting; retry in a moment", null);
        }
    }

    private void countConflict(RegistryException cause) {
        String reason = cause instanceof RangeExhaustedException ? "range_exhausted"
                : cause instanceof PortUnavailableException ? "port_unavailable" : "service_conflict";
        meters.counter("sirsi.allocations.conflicts", "reason", reason).increment();
    }

    private static NotRegisteredException notFound(UUID allocationId) {
        return new NotRegisteredException("no allocation with id " + allocationId);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
