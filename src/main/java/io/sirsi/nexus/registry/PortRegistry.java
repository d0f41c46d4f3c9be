package io.sirsi.nexus.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.sirsi.nexus.store.AllocationStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The port registry of one host: allocates, heartbeats, releases and expires allocations, and answers lookups.
 *
 * <p>Concurrency rule: every read and change of the {@link PortTable} happens while holding {@link #lock}, and a
 * change reaches the table only after the store has accepted it. So no two requests can be granted one port,
 * and nothing is acknowledged that a restart would forget.
 */
@ApplicationScoped
public class PortRegistry {

    private static final Logger LOG = Logger.getLogger(PortRegistry.class);
    private static final Comparator<Allocation> BY_PORT = Comparator.comparingInt(Allocation::port);

    private final ReentrantLock lock = new ReentrantLock();
    private final AllocationStore store;
    private final RegistryConfig config;
    private final boolean serverEnabled;
    private final Clock clock = Clock.systemUTC();
    private final Map<ServiceType, PortRange> ranges;
    private final Counter released;
    private final Counter heartbeats;
    private final Counter expired;
    private final MeterRegistry meters;
    private volatile PortTable table;

    public PortRegistry(AllocationStore store, RegistryConfig config, MeterRegistry meters,
            @ConfigProperty(name = "sirsi.server.enabled", defaultValue = "true") boolean serverEnabled) {
        this.store = store;
        this.config = config;
        this.meters = meters;
        this.serverEnabled = serverEnabled;
        this.ranges = RegistrySettings.ranges(config.ranges());
        this.released = meters.counter("sirsi.allocations.released");
        this.heartbeats = meters.counter("sirsi.heartbeats");
        this.expired = meters.counter("sirsi.allocations.expired");
    }

    void onStart(@Observes StartupEvent event) {
        if (serverEnabled) {
            open();
        }
    }

    /** Opens the store, loads every allocation it holds and applies the static reservations of the configuration. */
    public void open() {
        lock.lock();
        try {
            store.open();
            Set<Integer> reservedPorts = config.reservedPorts().orElse(Set.of());
            PortTable loaded = new PortTable(reservedPorts,
                    config.bindCheck() ? PortProbe::boundElsewhere : port -> false);
            store.loadAll(config.host()).forEach(loaded::put);
            applyStaticReservations(loaded);
            table = loaded;
            LOG.infof("Port registry ready: %d allocations on host %s loaded from %s; heartbeat timeout %s,"
                            + " cleanup every %s, %d reserved ports, bind check %s",
                    loaded.size(), config.host(), store.location(), config.heartbeatTimeout(),
                    config.cleanupInterval(), reservedPorts.size(), config.bindCheck() ? "on" : "off");
        } finally {
            lock.unlock();
        }
    }

    /** True once {@link #open()} has loaded the store. */
    public boolean isOpen() {
        return table != null;
    }

    /**
     * Grants a port: the service's existing allocation if it has one, else a new one chosen by
     * {@link PortTable#choosePort}. Returns only once the allocation is stored.
     */
    public Grant allocate(AllocationRequest request) {
        ServiceNames.require(request.serviceName());
        request.preferredPort().filter(port -> !PortRange.isValidPort(port)).ifPresent(port -> {
            throw new InvalidRequestException("invalid preferred_port " + port + ": ports are 1-65535");
        });
        return locked(() -> {
            PortTable ports = openTable();
            Instant now = now();
            Optional<Allocation> existing = ports.byName(request.serviceName());
            if (existing.isPresent()) {
                return new Grant(renew(ports, existing.get(), request, now), false);
            }
            int port;
            try {
                port = ports.choosePort(request.serviceType(), rangeOf(request.serviceType()),
                        request.preferredPort(), request.required());
            } catch (RegistryException e) {
                countConflict(e);
                throw e;
            }
            Allocation allocation = new Allocation(UUID.randomUUID(), config.host(), port, request.serviceName(),
                    request.serviceType(), request.processId(), now, now, false);
            store.insert(allocation);
            ports.put(allocation);
            meters.counter("sirsi.allocations.granted", "type", request.serviceType().wireName()).increment();
            LOG.infof("Allocated port %d to %s (%s, allocation %s)", port, allocation.serviceName(),
                    allocation.serviceType(), allocation.allocationId());
            return new Grant(allocation, true);
        });
    }

    /** A service asking again (it restarted): it keeps its allocation, which counts as a heartbeat. */
    private Allocation renew(PortTable ports, Allocation existing, AllocationRequest request, Instant now) {
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
        store.update(renewed);
        ports.put(renewed);
        LOG.infof("Service %s asked again and keeps port %d (allocation %s)", existing.serviceName(),
                existing.port(), existing.allocationId());
        return renewed;
    }

    /** Frees the allocation's port. Static reservations cannot be released: they belong to the configuration. */
    public Allocation release(UUID allocationId) {
        return locked(() -> {
            PortTable ports = openTable();
            Allocation allocation = ports.byId(allocationId).orElseThrow(() -> notFound(allocationId));
            if (allocation.reserved()) {
                throw new ServiceConflictException("allocation " + allocationId + " of '" + allocation.serviceName()
                        + "' is a static reservation; remove sirsi.ports.static." + allocation.serviceName()
                        + " from the configuration to free port " + allocation.port());
            }
            store.delete(List.of(allocationId));
            ports.remove(allocation);
            released.increment();
            LOG.infof("Released port %d of %s (allocation %s)", allocation.port(), allocation.serviceName(),
                    allocationId);
            return allocation;
        });
    }

    /** Records that the service is alive; revives an Expired allocation. */
    public Allocation heartbeat(UUID allocationId) {
        return locked(() -> {
            PortTable ports = openTable();
            Allocation allocation = ports.byId(allocationId).orElseThrow(() -> notFound(allocationId));
            heartbeats.increment();
            if (allocation.reserved()) {
                return allocation;
            }
            Instant now = now();
            store.touch(allocationId, now);
            Allocation renewed = allocation.withHeartbeat(now);
            ports.put(renewed);
            LOG.debugf("Heartbeat from %s (allocation %s)", allocation.serviceName(), allocationId);
            return renewed;
        });
    }

    /** Removes every Expired allocation and frees its port; returns what was removed. */
    public List<Allocation> cleanup() {
        return locked(() -> {
            PortTable ports = openTable();
            Instant now = now();
            List<Allocation> expiredNow = ports.all().stream()
                    .filter(allocation -> allocation.isExpired(now, config.heartbeatTimeout()))
                    .sorted(BY_PORT)
                    .toList();
            store.delete(expiredNow.stream().map(Allocation::allocationId).toList());
            expiredNow.forEach(ports::remove);
            expired.increment(expiredNow.size());
            expiredNow.forEach(allocation -> LOG.infof(
                    "Expired port %d of %s (allocation %s): no heartbeat since %s", allocation.port(),
                    allocation.serviceName(), allocation.allocationId(), allocation.lastHeartbeat()));
            return expiredNow;
        });
    }

    public AllocationStatus statusOf(Allocation allocation) {
        return allocation.status(now(), config.heartbeatTimeout());
    }

    /** Every allocation, by port. */
    public List<Allocation> all() {
        return locked(() -> openTable().all().stream().sorted(BY_PORT).toList());
    }

    public Optional<Allocation> byName(String serviceName) {
        return locked(() -> openTable().byName(serviceName));
    }

    public Optional<Allocation> byPort(int port) {
        return locked(() -> openTable().byPort(port));
    }

    public List<Allocation> byType(ServiceType type) {
        return locked(() -> openTable().all().stream().filter(a -> a.serviceType() == type).sorted(BY_PORT).toList());
    }

    /** The range of every service type, in the order of {@link ServiceType}, with its use. */
    public List<RangeUsage> rangeUsage() {
        return locked(() -> {
            PortTable ports = openTable();
            List<RangeUsage> usage = new ArrayList<>();
            ranges.forEach((type, range) -> usage.add(
                    new RangeUsage(type, range, ports.held(range), ports.reservedIdle(range))));
            return usage;
        });
    }

    public RegistryStats stats() {
        List<Allocation> allocations = all();
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

    public PortRange rangeOf(ServiceType type) {
        return ranges.get(type);
    }

    private void applyStaticReservations(PortTable ports) {
        Map<String, StaticReservation> declared = new LinkedHashMap<>();
        config.staticReservations().forEach((name, spec) -> declared.put(name, StaticReservation.parse(name, spec)));
        List<Allocation> undeclared = ports.all().stream()
                .filter(allocation -> allocation.reserved() && !declared.containsKey(allocation.serviceName()))
                .toList();
        store.delete(undeclared.stream().map(Allocation::allocationId).toList());
        undeclared.forEach(ports::remove);
        undeclared.forEach(allocation -> LOG.infof("Static reservation %s of port %d is no longer configured;"
                + " port freed", allocation.serviceName(), allocation.port()));

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
            current.ifPresent(previous -> {
                store.delete(List.of(previous.allocationId()));
                ports.remove(previous);
            });
            store.insert(allocation);
            ports.put(allocation);
            LOG.infof("Static reservation: port %d for %s (%s)", reservation.port(), reservation.serviceName(),
                    reservation.serviceType());
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

    private PortTable openTable() {
        PortTable ports = table;
        if (ports == null) {
            throw new StoreUnavailableException("the registry is still starting; retry in a moment", null);
        }
        return ports;
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
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
