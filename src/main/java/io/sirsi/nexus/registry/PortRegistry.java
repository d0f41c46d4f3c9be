package io.sirsi.nexus.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The port registry: allocates, heartbeats, releases and expires allocations, answers lookups, and keeps the change
 * log of it all.
 *
 * <p>One design for both stores. Every host's allocations are held in an in-memory {@link RegistryIndex}, loaded
 * at start, together with the revision of the change log it reflects. Every change is decided on that index by
 * {@link GroupCommit}'s writer thread, inside a transaction that holds the hosts' locks, and is committed with its
 * events; lookups read the index without a lock. The stores differ only in how the index learns of other writers:
 * <ul>
 * <li>a store of this process alone (SQLite) has none, so the index is always current;</li>
 * <li>a store that replicas share (PostgreSQL): before deciding, under the hosts' locks, the writer applies the
 * events committed since the index's revision (usually none or a few), and before a lookup answers, the
 * {@link LogFollower} makes sure the index holds every event committed before the request arrived.</li>
 * </ul>
 * Either way no two requests can be granted one port, nothing is acknowledged that a restart would forget, and a
 * change costs the events since it last looked, not the allocations held. A lookup may see a change a moment
 * before its commit; should the commit fail, the change is undone and its request fails.
 */
@ApplicationScoped
public class PortRegistry {

    private static final Logger LOG = Logger.getLogger(PortRegistry.class);
    private static final Comparator<Allocation> BY_PORT = Comparator.comparing(Allocation::host)
            .thenComparingInt(Allocation::port);
    /** How often a replica reads the log's head when nobody asks, so watchers hear of other replicas' changes. */
    private static final long FOLLOW_POLL_MILLIS = 100;
    /** Events a catch-up reads at once. */
    private static final int CATCH_UP_PAGE = 1000;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /**
     * How stale the last "alive" mark of every registry process may be before their absence counts as downtime
     * (marks are written every second).
     */
    private static final Duration DOWN_AFTER = Duration.ofSeconds(3);
    private static final Duration NEVER_DOWN = ChronoUnit.CENTURIES.getDuration();
    /** Hosts with fewer non-reserved allocations than this never go into self-preservation. */
    private static final int SELF_PRESERVATION_MIN_ALLOCATIONS = 3;

    private final ReentrantLock lock = new ReentrantLock();
    private final AllocationStore store;
    private final RegistryConfig config;
    private final boolean serverEnabled;
    private final InstantSource clock;
    private final ServiceTypes types;
    private final Map<ServiceType, PortRange> ranges;
    /** Per service type and host. */
    private final Map<List<String>, Counter> granted = new ConcurrentHashMap<>();
    private final Hosts hosts;
    /** What a host that holds nothing looks like to a read. */
    private final PortTable emptyTable;
    private final PlacementStrategy defaultStrategy;
    private final Map<EventType, Counter> eventCounters = new EnumMap<>(EventType.class);
    private final Counter heartbeats;
    private final Counter released;
    /** Expired allocations removed by cleanup (the name predates the {@code expired} event). */
    private final Counter removedExpired;
    private final MeterRegistry meters;
    private final Set<Integer> reservedPorts;
    private final RegistryIndex index;
    private final GroupCommit groupCommit;
    private final ChangeFeed feed;
    /** Only for a store that replicas share: how the index learns of their changes. */
    private final Optional<LogFollower> follower;
    /**
     * Heartbeat times not yet written, guarded by {@link #lock}; only for a store of this process alone. A heartbeat
     * changes no port, so its time need not reach disk before the reply: {@link #flushHeartbeats} writes them all in
     * one transaction every second, and a crash loses at most that second of heartbeat times, never an allocation.
     * On a shared store the other replicas must see it, so it is written before the reply.
     */
    private final Map<UUID, Instant> unflushedHeartbeats = new HashMap<>();
    private final boolean heartbeatsInMemory;
    /**
     * When expiry last resumed after a time no registry process was up: silence before it does not count, so no
     * allocation expires before this moment plus its timeout.
     */
    private volatile Instant expiryResumedAt = Instant.EPOCH;
    /** Per host, when self-preservation last ended there: the host's silence before it does not count either. */
    private final Map<String, Instant> hostResumedAt = new ConcurrentHashMap<>();
    /** Hosts in self-preservation now: nothing on them expires until their heartbeats come back. */
    private final Set<String> selfPreserving = ConcurrentHashMap.newKeySet();
    private volatile boolean open;

    public PortRegistry(AllocationStore store, RegistryConfig config, ServiceTypes types, MeterRegistry meters,
            InstantSource clock,
            @ConfigProperty(name = "sirsi.server.enabled", defaultValue = "true") boolean serverEnabled) {
        this.store = store;
        this.config = config;
        this.meters = meters;
        this.clock = clock;
        this.serverEnabled = serverEnabled;
        this.types = types;
        this.ranges = types.ranges();
        this.reservedPorts = config.reservedPorts().orElse(Set.of());
        this.hosts = Hosts.of(config.host(), config.hosts());
        this.defaultStrategy = PlacementStrategy.fromWireName(config.strategy()).orElseThrow(() ->
                new IllegalArgumentException("sirsi.ports.strategy=" + config.strategy() + ": expected one of "
                        + PlacementStrategy.wireNames()));
        for (ServiceType type : types.all()) {
            granted(type, hosts.defaultHost()); // every type has a sample from the start
        }
        for (EventType type : EventType.values()) {
            eventCounters.put(type, meters.counter("sirsi.changes", "type", type.wireName()));
        }
        this.heartbeats = meters.counter("sirsi.heartbeats");
        this.released = meters.counter("sirsi.allocations.released");
        this.removedExpired = meters.counter("sirsi.allocations.expired");
        this.index = new RegistryIndex(this::newTable);
        this.emptyTable = new PortTable(ranges, reservedPorts, port -> false);
        this.feed = new ChangeFeed(store, KEEP_ALIVE);
        this.groupCommit = new GroupCommit(store, lock, index, new GroupCommit.Log() {
            @Override
            public void catchUp() {
                if (store.shared()) {
                    catchUpFromLog(Long.MAX_VALUE);
                }
            }

            @Override
            public void committed(long first, List<ChangeEvent> events) {
                committedHere(first, events);
            }
        }, clock);
        this.follower = store.shared()
                ? Optional.of(new LogFollower(store, lock, index, () -> catchUpFromLog(Long.MAX_VALUE),
                        FOLLOW_POLL_MILLIS))
                : Optional.empty();
        this.heartbeatsInMemory = !store.shared();
    }

    private Counter granted(ServiceType type, String host) {
        return granted.computeIfAbsent(List.of(type.wireName(), host), key -> meters.counter(
                "sirsi.allocations.granted", "type", type.wireName(), "host", host));
    }

    private PortTable newTable(String host) {
        Gauge.builder("sirsi.self_preservation", selfPreserving, hosts -> hosts.contains(host) ? 1 : 0)
                .description("1 while the host is in self-preservation: its allocations are held, not expired")
                .tag("host", host).register(meters);
        // the bind probe sees only this machine, so it can only speak for the registry's own host
        return new PortTable(ranges, reservedPorts,
                config.bindCheck() && host.equals(hosts.defaultHost()) ? PortProbe::boundElsewhere : port -> false,
                config.reuseDelay());
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
        index.reset(store.load());
        warnOfUnconfiguredTypes();
        coolRecentlyFreedPorts();
        // On a store of this process alone every start follows downtime; replicas check whether any other was up.
        expiryResumedAt = store.markAlive(clock.instant(), store.shared() ? DOWN_AFTER : Duration.ZERO);
        feed.start(index.revision());
        groupCommit.start();
        follower.ifPresent(LogFollower::start);
        int loaded = await(groupCommit.submit(Set.of(hosts.defaultHost()), changes -> {
            applyStaticReservations(changes);
            return (int) changes.index().all().count();
        }));
        open = true;
        LOG.infof("Port registry ready: %d allocations at revision %d in %s (%s); host %s; heartbeat timeout %s,"
                        + " cleanup every %s, %d reserved ports, bind check %s",
                loaded, index.revision(), store.location(),
                store.shared() ? "shared with other replicas, which the index follows through the change log"
                        : "this process's alone",
                hosts.defaultHost() + (hosts.restricted() ? " (of " + String.join(", ", hosts.withHolders(List.of()))
                        + ")" : " (and any other named by a request)") + ", strategy " + defaultStrategy,
                config.heartbeatTimeout(), config.cleanupInterval(), reservedPorts.size(),
                config.bindCheck() ? "on" : "off");
        LOG.infof("Expiry resumed at %s: no allocation expires for silence before %s (one heartbeat timeout after"
                + " the registry came back; its own downtime does not count)", expiryResumedAt,
                expiryResumedAt.plus(config.heartbeatTimeout()));
    }

    /**
     * Allocations of a type no longer configured keep their ports (they were acknowledged), but no new ones of it
     * can be made: said once, so that an operator who removed a range knows what still holds ports under it.
     */
    private void warnOfUnconfiguredTypes() {
        Map<ServiceType, Long> orphans = new TreeMap<>(Comparator.comparing(ServiceType::wireName));
        index.all().filter(allocation -> !types.accepts(allocation.serviceType()))
                .forEach(allocation -> orphans.merge(allocation.serviceType(), 1L, Long::sum));
        if (!orphans.isEmpty()) {
            LOG.warnf("Stored allocations name service types that are no longer configured: %s. They keep their"
                    + " ports until released or expired; no new allocation of these types is possible unless"
                    + " sirsi.ports.ranges.<type> defines them again", orphans.entrySet().stream()
                    .map(entry -> entry.getKey() + " (" + entry.getValue()
                            + (entry.getValue() == 1 ? " allocation)" : " allocations)"))
                    .collect(Collectors.joining(", ")));
        }
    }

    /**
     * The ports freed within the reuse delay before this start keep cooling after it: read back from the change log
     * (its most recent {@link HistoryQuery#MAX_LIMIT} frees, oldest first, so the newest free of a port wins).
     */
    private void coolRecentlyFreedPorts() {
        if (config.reuseDelay().isZero()) {
            return;
        }
        Instant now = clock.instant();
        List<ChangeEvent> recent = new ArrayList<>(store.history(new HistoryQuery(EventFilter.ALL,
                Optional.of(now.minus(config.reuseDelay())), Optional.empty(), HistoryQuery.MAX_LIMIT)));
        Collections.reverse(recent);
        recent.stream().filter(event -> event.type().freesPort()).forEach(event -> index.table(
                event.allocation().host()).free(event.allocation(), event.at()));
    }

    /**
     * Records that this process is alive (every second), and learns when expiry last resumed: a replica that
     * started after a time none was up may have moved it. A running process never resumes expiry itself: it was up,
     * so there was no downtime, and a jump of its clock is for self-preservation to catch, not a restart.
     */
    public void markAlive() {
        if (open) {
            expiryResumedAt = store.markAlive(clock.instant(), NEVER_DOWN);
        }
    }

    /** The hosts in self-preservation now, sorted. */
    public List<String> selfPreservingHosts() {
        return selfPreserving.stream().sorted().toList();
    }

    /** True once {@link #open()} has loaded the store. */
    public boolean isOpen() {
        return open;
    }

    /**
     * Grants a port on the request's host: the service's existing allocation there if it has one (moved to another
     * port if the request avoids its port), else a new one placed by the request's strategy. Completes only once
     * the allocation is stored.
     */
    public CompletionStage<Grant> allocate(AllocationRequest request) {
        String host = hosts.resolve(request.host());
        PlacementStrategy strategy = request.strategy().orElse(defaultStrategy);
        return change(Set.of(host), changes -> {
            Optional<Allocation> existing = changes.table(host).byName(request.serviceName());
            if (existing.isPresent() && !request.avoidPorts().contains(existing.get().port())) {
                return new Grant(renew(changes, existing.get(), request, changes.now()), false, Optional.empty());
            }
            Optional<String> moved = existing.map(held -> moveOff(changes, held));
            Grant grant = place(changes, host, request.serviceType(), placement(changes, host, request.serviceName(),
                    strategy, request.preferredPort(), request.required(), request.avoidPorts()), request.processId());
            return moved.map(text -> grant.withWhy(text + grant.why().map(why -> "; " + why).orElse("")))
                    .orElse(grant);
        });
    }

    /** Frees the service's port because the request avoids it: another process holds it on the service's host. */
    private String moveOff(ChangeSet changes, Allocation held) {
        if (held.reserved()) {
            throw new ServiceConflictException("service '" + held.serviceName() + "' holds port " + held.port()
                    + " as a static reservation, which avoid_ports cannot move; change sirsi.ports.static."
                    + held.serviceName());
        }
        changes.remove(List.of(held), EventType.RELEASED);
        changes.onCommit(() -> LOG.info("Moved " + held.serviceName() + " off port " + held.port() + " on "
                + held.host() + " (allocation " + held.allocationId() + "): the request avoids it"));
        return "released port " + held.port() + ", which the request avoids";
    }

    /** Adds a new allocation on the host at the port the placement chooses. */
    private Grant place(ChangeSet changes, String host, ServiceType type, PortTable.Placement placement,
            Optional<Long> processId) {
        Instant now = changes.now();
        PortTable.PortChoice choice;
        try {
            choice = changes.table(host).choosePort(type, placement, now);
        } catch (RegistryException e) {
            countConflict(e);
            throw e;
        }
        Allocation allocation = new Allocation(UUID.randomUUID(), host, choice.port(), placement.serviceName(), type,
                processId, now, now, AllocationStatus.ACTIVE);
        changes.add(allocation, EventType.ALLOCATED);
        changes.onCommit(() -> {
            granted(type, host).increment();
            // concatenated, not infof: a printf pattern is parsed anew for every line (measured: 3 % of an
            // allocate+release cycle's CPU), and these lines come thousands a second
            LOG.info("Allocated port " + choice.port() + " on " + host + " to " + allocation.serviceName() + " ("
                    + type + ", allocation " + allocation.allocationId() + ")");
        });
        return new Grant(allocation, true, choice.why());
    }

    /** How a new allocation of the service on the host is placed: the request's wishes and the strategy's hints. */
    private PortTable.Placement placement(ChangeSet changes, String host, String serviceName,
            PlacementStrategy strategy, Optional<Integer> preferredPort, boolean required, Set<Integer> avoid) {
        return new PortTable.Placement(serviceName, preferredPort, required,
                hints(changes, host, serviceName, strategy), strategy == PlacementStrategy.RANDOM, avoid);
    }

    /**
     * The ports the strategy suggests for a new allocation of the service on the host: for same-port, those its
     * instances hold on other hosts, the most common first; for sticky, the one it held last here, as the change log
     * remembers it (within its retention).
     */
    private List<PortTable.Hint> hints(ChangeSet changes, String host, String serviceName,
            PlacementStrategy strategy) {
        return switch (strategy) {
            case FIRST_FREE, RANDOM -> List.of();
            case SAME_PORT -> {
                Map<Integer, List<String>> holders = new TreeMap<>();
                changes.index().instances(serviceName).stream().filter(other -> !other.host().equals(host))
                        .forEach(other -> holders.computeIfAbsent(other.port(), port -> new ArrayList<>())
                                .add(other.host()));
                yield holders.entrySet().stream()
                        .sorted(Comparator.comparingInt((Map.Entry<Integer, List<String>> e) -> -e.getValue().size()))
                        .map(e -> new PortTable.Hint(e.getKey(), "same-port: the port '" + serviceName
                                + "' holds on " + String.join(", ", e.getValue())))
                        .toList();
            }
            case STICKY -> store.history(new HistoryQuery(new EventFilter(Optional.of(serviceName), Optional.empty(),
                            Optional.of(host), Optional.empty()), Optional.empty(), Optional.empty(), 1)).stream()
                    .map(last -> new PortTable.Hint(last.allocation().port(), "sticky: the port '" + serviceName
                            + "' held last on " + host + ", " + last.type().wireName() + " at " + last.at()))
                    .toList();
        };
    }

    /** A service asking again (it restarted): it keeps its allocation, which counts as a heartbeat. */
    private Allocation renew(ChangeSet changes, Allocation existing, AllocationRequest request, Instant now) {
        if (!existing.serviceType().equals(request.serviceType())) {
            countConflict(null);
            throw new ServiceConflictException("service '" + existing.serviceName() + "' already holds port "
                    + existing.port() + " as " + existing.serviceType() + "; release allocation "
                    + existing.allocationId() + " before allocating it as " + request.serviceType());
        }
        if (request.required() && request.preferredPort().isPresent()
                && request.preferredPort().get() != existing.port()) {
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
                existing.allocatedAt(), now, AllocationStatus.ACTIVE);
        changes.replace(existing, renewed, EventType.RENEWED);
        Instant unflushed = unflushedHeartbeats.remove(renewed.allocationId()); // an older time must not follow it
        if (unflushed != null) {
            changes.onUndo(() -> unflushedHeartbeats.putIfAbsent(renewed.allocationId(), unflushed));
        }
        changes.onCommit(() -> LOG.info("Service " + existing.serviceName() + " asked again and keeps port "
                + existing.port() + " (allocation " + existing.allocationId() + ")"));
        return renewed;
    }

    /**
     * Makes the service have exactly {@code instances} instances, all or nothing: new ones go to the hosts (of the
     * request's list, or every known host) without one, those holding the fewest allocations first; surplus ones are
     * released, newest first. A service has at most one instance per host, and static reservations stay.
     */
    public CompletionStage<ScaleResult> scale(ScaleRequest request) {
        List<String> known = knownHosts();
        List<String> targets = request.hosts().map(named -> named.stream().map(host -> hosts.resolve(
                Optional.of(host))).distinct().toList()).orElse(known);
        PlacementStrategy strategy = request.strategy().orElse(defaultStrategy);
        Set<String> locked = new TreeSet<>(targets);
        locked.addAll(known); // wherever an instance may be released
        return change(locked, changes -> {
            String name = request.serviceName();
            List<Allocation> current = changes.index().instances(name);
            current.stream().filter(instance -> !instance.serviceType().equals(request.serviceType())).findFirst()
                    .ifPresent(other -> {
                        throw new ServiceConflictException("service '" + name + "' runs on " + other.host() + " as "
                                + other.serviceType() + " (allocation " + other.allocationId() + "); it cannot be"
                                + " scaled as " + request.serviceType());
                    });
            List<Allocation> added = new ArrayList<>();
            List<Allocation> removed = new ArrayList<>();
            int missing = request.instances() - current.size();
            if (missing > 0) {
                Set<String> running = new HashSet<>(current.stream().map(Allocation::host).toList());
                List<String> free = targets.stream().filter(host -> !running.contains(host))
                        .sorted(Comparator.comparingInt((String host) -> changes.index().existing(host)
                                .map(PortTable::size).orElse(0)).thenComparing(Comparator.naturalOrder()))
                        .toList();
                if (free.size() < missing) {
                    throw new ServiceConflictException("cannot scale '" + name + "' to " + request.instances()
                            + " instances: it runs on " + current.size() + " host" + (current.size() == 1 ? "" : "s")
                            + " and only " + free.size() + " more of " + String.join(", ", targets) + " can take one;"
                            + " a service has at most one instance per host");
                }
                for (String host : free.subList(0, missing)) {
                    added.add(place(changes, host, request.serviceType(), placement(changes, host, name, strategy,
                            Optional.empty(), false, Set.of()), Optional.empty()).allocation());
                }
            } else if (missing < 0) {
                List<Allocation> releasable = current.stream().filter(instance -> !instance.reserved())
                        .sorted(Comparator.comparing(Allocation::allocatedAt).reversed()
                                .thenComparing(Allocation::host)).toList();
                if (releasable.size() < -missing) {
                    throw new ServiceConflictException("cannot scale '" + name + "' to " + request.instances()
                            + " instances: " + (current.size() - releasable.size()) + " of its " + current.size()
                            + " are static reservations, which only the configuration can remove");
                }
                removed.addAll(releasable.subList(0, -missing));
                changes.remove(removed, EventType.RELEASED);
                changes.onCommit(() -> removed.forEach(instance -> {
                    released.increment();
                    LOG.info("Scaled " + name + " down: released port " + instance.port() + " on " + instance.host()
                            + " (allocation " + instance.allocationId() + ")");
                }));
            }
            return new ScaleResult(changes.index().instances(name).stream().sorted(BY_PORT).toList(), added,
                    removed);
        });
    }

    /** Frees the allocation's port. Static reservations cannot be released: they belong to the configuration. */
    public CompletionStage<Allocation> release(UUID allocationId) {
        return changeOfAllocation(allocationId, changes -> {
            Allocation allocation = changes.index().byId(allocationId).orElseThrow(() -> notFound(allocationId));
            if (allocation.reserved()) {
                throw new ServiceConflictException("allocation " + allocationId + " of '" + allocation.serviceName()
                        + "' is a static reservation; remove sirsi.ports.static." + allocation.serviceName()
                        + " from the configuration to free port " + allocation.port());
            }
            changes.remove(List.of(allocation), EventType.RELEASED);
            changes.onCommit(() -> {
                released.increment();
                LOG.info("Released port " + allocation.port() + " of " + allocation.serviceName() + " (allocation "
                        + allocationId + ")");
            });
            return allocation;
        });
    }

    /**
     * Records that the service is alive. An Expired allocation is revived: a logged change, committed before the
     * reply. Otherwise, on a store of this process alone, the time only changes memory (see
     * {@link #unflushedHeartbeats}); on a shared store it is written before the reply, for the other replicas.
     */
    public CompletionStage<Allocation> heartbeat(UUID allocationId) {
        requireOpen();
        if (heartbeatsInMemory) {
            lock.lock();
            try {
                Optional<Allocation> found = index.byId(allocationId);
                if (found.isPresent() && !found.get().expired()) {
                    heartbeats.increment();
                    Allocation allocation = found.get();
                    if (allocation.reserved()) {
                        return CompletableFuture.completedFuture(allocation);
                    }
                    Allocation renewed = allocation.withHeartbeat(now());
                    index.put(renewed); // kept by the undo of a change decided before it (ChangeSet.replace)
                    unflushedHeartbeats.put(allocationId, renewed.lastHeartbeat());
                    LOG.debugf("Heartbeat from %s (allocation %s)", allocation.serviceName(), allocationId);
                    return CompletableFuture.completedFuture(renewed);
                }
            } finally {
                lock.unlock();
            }
        }
        return changeOfAllocation(allocationId, changes -> {
            Allocation allocation = changes.index().byId(allocationId).orElseThrow(() -> notFound(allocationId));
            heartbeats.increment();
            if (allocation.reserved()) {
                return allocation;
            }
            Allocation renewed = allocation.withHeartbeat(changes.now());
            if (allocation.expired()) {
                changes.replace(allocation, renewed.withStatus(AllocationStatus.ACTIVE), EventType.REVIVED);
                changes.onCommit(() -> LOG.info("Heartbeat revived " + allocation.serviceName() + " on port "
                        + allocation.port() + " (allocation " + allocationId + ")"));
                return renewed.withStatus(AllocationStatus.ACTIVE);
            }
            changes.index().put(renewed);
            changes.touch(Map.of(allocationId, renewed.lastHeartbeat()));
            return renewed;
        });
    }

    /** Writes the heartbeat times recorded in memory since the last flush, in one transaction. */
    public void flushHeartbeats() {
        if (!open || !heartbeatsInMemory) {
            return;
        }
        Map<UUID, Instant> batch;
        lock.lock();
        try {
            if (unflushedHeartbeats.isEmpty()) {
                return;
            }
            batch = new HashMap<>(unflushedHeartbeats);
            unflushedHeartbeats.clear();
        } finally {
            lock.unlock();
        }
        try {
            // decided behind the changes queued before: an id released meanwhile updates no row
            await(groupCommit.submit(Set.of(), changes -> {
                changes.touch(batch);
                return null;
            }));
        } catch (RuntimeException e) {
            lock.lock();
            try {
                batch.forEach(unflushedHeartbeats::putIfAbsent); // newer times win
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    void closeOnShutdown(@Observes ShutdownEvent event) {
        try {
            flushHeartbeats();
        } catch (RegistryException e) {
            LOG.warnf("Heartbeat times of the last second not written at shutdown: %s", e.getMessage());
        }
        if (open) {
            follower.ifPresent(LogFollower::close);
            groupCommit.close();
            feed.close();
        }
    }

    /**
     * Marks Expired every allocation whose heartbeat timeout has passed, logging an {@code expired} event for each:
     * once, across replicas, since each replica decides under the host's lock on an index that has applied the
     * others' events. Silence does not count from before the registry came back ({@link #expiryResumedAt}), and a
     * host whose allocations went quiet together is held, not expired ({@link #expireDue}).
     */
    public CompletionStage<List<Allocation>> expire() {
        if (!open) {
            return CompletableFuture.completedFuture(List.of());
        }
        return groupCommit.submit(index.hosts(), changes -> expireDue(changes, false));
    }

    /**
     * The expiry pass, host by host. Self-preservation: when more than the threshold of a host's Active,
     * non-reserved allocations (and at least {@value #SELF_PRESERVATION_MIN_ALLOCATIONS}) have been quiet for half
     * their timeout, the host is far likelier cut off from the registry (or the clock jumped) than half its services
     * dead at once, so nothing on it expires. Quiet for half the timeout, not due: in a partition the services'
     * last heartbeats are spread over their interval, so they become due one after another, and a rule on the due
     * ones alone would expire the first half before it saw the pattern. It ends by itself when the heartbeats come
     * back, and the host's silence until then does not count. {@code force} (an admin's cleanup) expires regardless.
     */
    private List<Allocation> expireDue(ChangeSet changes, boolean force) {
        Instant now = changes.now();
        Duration timeout = config.heartbeatTimeout();
        double threshold = config.selfPreservation().threshold();
        Instant quietBefore = now.minus(timeout.dividedBy(2));
        List<Allocation> expiredNow = new ArrayList<>();
        for (String host : index.hosts()) {
            Instant countsFrom = latest(expiryResumedAt, hostResumedAt.getOrDefault(host, Instant.EPOCH));
            List<Allocation> active = changes.table(host).all().stream()
                    .filter(allocation -> !allocation.reserved() && !allocation.expired()).toList();
            List<Allocation> quiet = refreshHeartbeats(changes, active.stream()
                    .filter(allocation -> latest(allocation.lastHeartbeat(), countsFrom).isBefore(quietBefore))
                    .toList()).stream()
                    .filter(allocation -> latest(allocation.lastHeartbeat(), countsFrom).isBefore(quietBefore))
                    .toList();
            boolean partitioned = threshold < 1 && active.size() >= SELF_PRESERVATION_MIN_ALLOCATIONS
                    && quiet.size() > threshold * active.size();
            if (partitioned && !force) {
                if (selfPreserving.add(host)) {
                    LOG.warnf("Self-preservation on host %s: %d of its %d allocations went quiet together (more than"
                                    + " %.0f%%); expiring none of them, since the host has likelier lost its network to"
                                    + " the registry than its services. Force it with POST /ports/cleanup?force=true",
                            host, quiet.size(), active.size(), threshold * 100);
                }
                continue;
            }
            if (selfPreserving.remove(host)) {
                hostResumedAt.put(host, now);
                LOG.infof("Self-preservation on host %s ended: %d of %d allocations quiet; their silence until now"
                        + " does not count", host, quiet.size(), active.size());
                if (!force) {
                    continue;
                }
            }
            for (Allocation allocation : quiet) {
                Instant base = force ? allocation.lastHeartbeat() : latest(allocation.lastHeartbeat(), countsFrom);
                if (base.plus(timeout).isBefore(now)) {
                    Allocation expired = allocation.withStatus(AllocationStatus.EXPIRED);
                    changes.replace(allocation, expired, EventType.EXPIRED);
                    expiredNow.add(expired);
                }
            }
        }
        changes.onCommit(() -> expiredNow.forEach(allocation -> LOG.infof(
                "Expired allocation %s of %s on port %d: no heartbeat since %s; the port stays held until cleanup",
                allocation.allocationId(), allocation.serviceName(), allocation.port(), allocation.lastHeartbeat())));
        return expiredNow;
    }

    /**
     * The candidates with the heartbeat times the store holds, where they are newer (answered by another replica;
     * on a store of this process alone memory is never older). Called inside the host's transaction.
     */
    private List<Allocation> refreshHeartbeats(ChangeSet changes, List<Allocation> candidates) {
        if (candidates.isEmpty() || !store.shared()) {
            return candidates;
        }
        Map<UUID, Instant> stored = store.lastHeartbeats(candidates.stream().map(Allocation::allocationId).toList());
        List<Allocation> refreshed = new ArrayList<>(candidates.size());
        for (Allocation allocation : candidates) {
            Instant lastHeartbeat = stored.getOrDefault(allocation.allocationId(), allocation.lastHeartbeat());
            if (lastHeartbeat.isAfter(allocation.lastHeartbeat())) {
                allocation = allocation.withHeartbeat(lastHeartbeat);
                changes.index().put(allocation);
            }
            refreshed.add(allocation);
        }
        return refreshed;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * Marks what is due Expired, then removes every Expired allocation and frees its port; returns what went.
     * {@code force} expires what is due on hosts in self-preservation too.
     */
    public List<Allocation> cleanup(boolean force) {
        requireOpen();
        return await(groupCommit.submit(index.hosts(), changes -> {
            expireDue(changes, force);
            List<Allocation> removed = changes.index().all().filter(Allocation::expired).sorted(BY_PORT).toList();
            changes.remove(removed, EventType.REMOVED);
            changes.onCommit(() -> {
                removedExpired.increment(removed.size());
                removed.forEach(allocation -> LOG.infof(
                        "Removed expired allocation %s of %s and freed port %d (no heartbeat since %s)%s",
                        allocation.allocationId(), allocation.serviceName(), allocation.port(),
                        allocation.lastHeartbeat(), force ? "; cleanup forced" : ""));
            });
            return removed;
        }));
    }

    /** Deletes change-log events older than the retention, and the oldest beyond the maximum count. */
    public int pruneHistory() {
        if (!open) {
            return 0;
        }
        int pruned = store.prune(clock.instant().minus(config.history().retention()), config.history().maxEvents());
        if (pruned > 0) {
            LOG.infof("Pruned %d change-log events; the oldest retained revision is now %d", pruned,
                    store.oldestRevision());
        }
        return pruned;
    }

    // ---- lookups ----------------------------------------------------------------------------------------------

    /**
     * Completes once the index holds every change committed before this call; at once when the store is this
     * process's alone. Lookups that must not be stale on a replica go through here.
     */
    public CompletionStage<Void> fresh() {
        requireOpen();
        return follower.map(LogFollower::fresh).orElse(CompletableFuture.completedFuture(null));
    }

    /** Every allocation, by host and port, as fresh as {@link #fresh}; waits, so not for an event loop. */
    public List<Allocation> all() {
        await(fresh());
        return index.all().sorted(BY_PORT).toList();
    }

    /**
     * The host a request names, lower-cased and checked against {@code sirsi.ports.hosts}; the registry's own when
     * absent. Reads without a host answer for the registry's own, as a single-host registry did.
     */
    public String host(Optional<String> requested) {
        return hosts.resolve(requested);
    }

    /** The registry's own host ({@code sirsi.ports.host}). */
    public String defaultHost() {
        return hosts.defaultHost();
    }

    /** The configured hosts and those holding allocations, sorted. */
    public List<String> knownHosts() {
        return hosts.withHolders(index.hosts().stream()
                .filter(host -> index.existing(host).map(table -> table.size() > 0).orElse(false)).toList());
    }

    /** The host's allocations by port, as fresh as {@link #fresh}; waits, so not for an event loop. */
    public List<Allocation> onHost(String host) {
        await(fresh());
        return index.existing(host).map(table -> table.all().stream().sorted(BY_PORT).toList()).orElse(List.of());
    }

    public CompletionStage<Optional<Allocation>> byName(String serviceName, String host) {
        return fresh().thenApply(fresh -> index.existing(host).flatMap(table -> table.byName(serviceName)));
    }

    public CompletionStage<Optional<Allocation>> byPort(int port, String host) {
        return fresh().thenApply(fresh -> index.existing(host).flatMap(table -> table.byPort(port)));
    }

    /**
     * Every instance of the service, one per host it runs on: live ones (Active, Reserved) before Expired ones, then
     * the registry's own host first, then by host.
     */
    public CompletionStage<List<Allocation>> instances(String serviceName) {
        return fresh().thenApply(fresh -> index.instances(serviceName).stream().sorted(
                Comparator.comparing(Allocation::expired)
                        .thenComparing(allocation -> !allocation.host().equals(hosts.defaultHost()))
                        .thenComparing(Allocation::host)).toList());
    }

    public List<Allocation> byType(ServiceType type, String host) {
        return onHost(host).stream().filter(a -> a.serviceType().equals(type)).toList();
    }

    /** Every allocation of the type on every host, by host and port. */
    public List<Allocation> byType(ServiceType type) {
        return all().stream().filter(a -> a.serviceType().equals(type)).toList();
    }

    /** The service types this registry accepts, which every name in a request is resolved by. */
    public ServiceTypes types() {
        return types;
    }

    /** The range of every service type on the host, in the order of {@link ServiceTypes}, with its use. */
    public CompletionStage<List<RangeUsage>> rangeUsage(String host) {
        return fresh().thenApply(fresh -> rangeUsageNow(host));
    }

    private List<RangeUsage> rangeUsageNow(String host) {
        // a read must not create a host's table: that would register meters for any name a client sends
        PortTable table = index.existing(host).orElse(emptyTable);
        List<RangeUsage> usage = new ArrayList<>();
        Instant now = clock.instant();
        ranges.forEach((type, range) -> usage.add(new RangeUsage(type, range, table.held(type),
                table.reservedIdle(type), table.cooling(type, now))));
        return usage;
    }

    /** Per known host, its counts and the use of every range there; one read, so they agree. */
    public Map<String, HostUsage> hostUsage() {
        await(fresh());
        Map<String, HostUsage> usage = new LinkedHashMap<>();
        for (String host : knownHosts()) {
            List<Allocation> held = index.existing(host).map(table -> List.copyOf(table.all())).orElse(List.of());
            usage.put(host, new HostUsage(held, rangeUsageNow(host)));
        }
        return usage;
    }

    /** A host's allocations and the use of every range there. */
    public record HostUsage(List<Allocation> allocations, List<RangeUsage> ranges) {

        public RegistryStats stats() {
            return RegistryStats.of(allocations);
        }
    }

    /** Counts of every allocation on every host. */
    public RegistryStats stats() {
        return RegistryStats.of(all());
    }

    /** Counts of the host's allocations. */
    public RegistryStats stats(String host) {
        return RegistryStats.of(onHost(host));
    }

    // ---- the change log ---------------------------------------------------------------------------------------

    /** The revision of the change log that the index reflects: what an answer read now is at least as new as. */
    public long revision() {
        return index.revision();
    }

    /** A blocking read: completes with the revision once it passes {@code after}, or when the wait is over. */
    public CompletionStage<Long> awaitRevisionAfter(long after, Duration wait) {
        requireOpen();
        return feed.awaitAfter(after, wait);
    }

    /**
     * Where a watch after this revision starts (this one's, when empty: from now on), so that a caller can say so
     * (and start its response) before any event can reach it.
     *
     * @throws RevisionCompactedException the events after it are no longer retained
     * @throws RevisionAheadException      the log has not reached it: a watch from there would miss events
     */
    public long watchStart(Optional<Long> after) {
        requireOpen();
        long start = after.orElseGet(feed::newest);
        long head = store.headRevision();
        if (after.isPresent() && start > head) {
            throw new RevisionAheadException(start, head);
        }
        long oldest = store.oldestRevision();
        if (start + 1 < oldest && start < head) {
            throw new RevisionCompactedException(start, oldest);
        }
        return start;
    }

    /**
     * Watches the events after {@code start}, as {@link #watchStart} gave it (the check is not made twice: it reads
     * the store). Should the revision be pruned meanwhile, the watch ends when it reads it.
     */
    public ChangeFeed.Subscription watch(long start, EventFilter filter, ChangeFeed.Watcher watcher) {
        requireOpen();
        return feed.watch(start, filter, watcher);
    }

    /** Events matching the query, newest first, from the store. */
    public List<ChangeEvent> history(HistoryQuery query) {
        requireOpen();
        return store.history(query);
    }

    /** The oldest revision still retained in the change log. */
    public long oldestRevision() {
        return store.oldestRevision();
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

    // ---- inside ----------------------------------------------------------------------------------------------

    /**
     * Applies the events other writers committed after the index's revision and before {@code before}; called with
     * the lock held. Should the log no longer hold the next revision (pruned while this replica was away), the
     * index is loaded again whole.
     */
    private void catchUpFromLog(long before) {
        while (true) {
            long applied = index.revision();
            if (applied + 1 >= before) {
                return;
            }
            List<ChangeEvent> events = store.eventsAfter(applied, CATCH_UP_PAGE);
            if (events.isEmpty()) {
                return;
            }
            if (events.get(0).revision() != applied + 1) {
                LOG.warnf("The change log no longer holds revision %d (oldest: %d); reloading every allocation",
                        applied + 1, events.get(0).revision());
                index.reset(store.load());
                return;
            }
            List<ChangeEvent> applying = events.stream().filter(event -> event.revision() < before).toList();
            applying.forEach(index::apply);
            feed.publish(applying);
            if (applying.size() < events.size() || events.size() < CATCH_UP_PAGE) {
                return;
            }
        }
    }

    /** This process's events, committed with revisions from {@code first}: already in the index since decided. */
    private void committedHere(long first, List<ChangeEvent> drafts) {
        long last = first + drafts.size() - 1;
        if (index.revision() >= last) {
            return; // the follower read them back from the log first, and published them
        }
        if (index.revision() < first - 1) {
            catchUpFromLog(first); // other replicas committed in between
        }
        List<ChangeEvent> events = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            ChangeEvent draft = drafts.get(i);
            events.add(new ChangeEvent(first + i, draft.type(), draft.at(), draft.allocation()));
            eventCounters.get(draft.type()).increment();
        }
        index.advanceTo(last);
        feed.publish(events);
    }

    private void applyStaticReservations(ChangeSet changes) {
        PortTable ports = changes.table(hosts.defaultHost());
        Map<String, StaticReservation> declared = new LinkedHashMap<>();
        config.staticReservations().forEach((name, spec) -> declared.put(name,
                StaticReservation.parse(name, spec, types)));
        List<Allocation> undeclared = ports.all().stream()
                .filter(allocation -> allocation.reserved() && !declared.containsKey(allocation.serviceName()))
                .toList();
        changes.remove(undeclared, EventType.UNRESERVED);
        undeclared.forEach(allocation -> changes.onCommit(() -> LOG.infof("Static reservation %s of port %d is no"
                + " longer configured; port freed", allocation.serviceName(), allocation.port())));

        Instant now = changes.now();
        for (StaticReservation reservation : declared.values()) {
            Optional<Allocation> current = ports.byName(reservation.serviceName());
            Optional<Allocation> holder = ports.byPort(reservation.port());
            if (current.isPresent() && current.get().reserved() && current.get().port() == reservation.port()
                    && current.get().serviceType().equals(reservation.serviceType())) {
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
            Allocation allocation = new Allocation(reservation.allocationId(), hosts.defaultHost(), reservation.port(),
                    reservation.serviceName(), reservation.serviceType(), Optional.empty(),
                    current.map(Allocation::allocatedAt).orElse(now), now, AllocationStatus.RESERVED);
            current.ifPresent(previous -> changes.remove(List.of(previous), EventType.UNRESERVED));
            changes.add(allocation, EventType.RESERVED);
            changes.onCommit(() -> LOG.infof("Static reservation: port %d for %s (%s)", reservation.port(),
                    reservation.serviceName(), reservation.serviceType()));
        }
    }

    private record StaticReservation(String serviceName, ServiceType serviceType, int port) {

        static StaticReservation parse(String name, String spec, ServiceTypes types) {
            String key = "sirsi.ports.static." + name;
            if (!ServiceNames.isValid(name)) {
                throw new IllegalArgumentException(key + ": invalid service name; " + ServiceNames.RULE);
            }
            String[] parts = spec.split(":", -1);
            if (parts.length != 2 || !parts[1].strip().matches("\\d{1,5}")
                    || !PortRange.isValidPort(Integer.parseInt(parts[1].strip()))) {
                throw new IllegalArgumentException(key + "=" + spec + ": expected <type>:<port>, e.g. database:5432");
            }
            ServiceType type = types.find(parts[0].strip()).orElseThrow(() -> new IllegalArgumentException(
                    key + "=" + spec + ": unknown service type; expected one of " + types.wireNames()));
            return new StaticReservation(name, type, Integer.parseInt(parts[1].strip()));
        }

        /** Stable across restarts, so clients may keep it. */
        UUID allocationId() {
            return UUID.nameUUIDFromBytes(("sirsi-nexus static " + serviceName).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Decides a change on these hosts once the registry is open; the stage completes once it is durable. */
    private <T> CompletionStage<T> change(Set<String> hosts, Function<ChangeSet, T> action) {
        requireOpen();
        return groupCommit.submit(hosts, action);
    }

    /**
     * A change to one allocation, named by id: its host is looked up on a fresh index (an id unknown there did not
     * exist when the request arrived), and the change is decided under that host's lock, on the index again.
     */
    private <T> CompletionStage<T> changeOfAllocation(UUID allocationId, Function<ChangeSet, T> action) {
        return fresh().thenCompose(fresh -> {
            Allocation allocation = index.byId(allocationId).orElseThrow(() -> notFound(allocationId));
            return change(Set.of(allocation.host()), action);
        });
    }

    /** Waits for a change; its failure is thrown as it is, not wrapped. */
    private static <T> T await(CompletionStage<T> change) {
        try {
            return change.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
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
