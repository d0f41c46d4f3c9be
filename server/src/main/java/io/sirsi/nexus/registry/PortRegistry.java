package io.sirsi.nexus.registry;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The port registry's façade: allocates, scales and releases, and hands heartbeats, expiry, lookups and the change
 * log to the classes that own them. Every request of {@code api/} and {@code cli/} enters here.
 *
 * <p>The shape (see docs/decisions.md, "The registry split"): every host's allocations are held in an in-memory
 * {@link RegistryIndex}, loaded at start, together with the revision of the change log it reflects. Every change is
 * decided on that index by {@link GroupCommit}'s writer thread, inside a transaction that holds the hosts' locks, and
 * is committed with its events; lookups ({@link RegistryQueries}) read the index without a lock. {@link IndexReplica}
 * keeps the index at the log's head, the one place the two stores' modes differ; {@link Placement} chooses ports;
 * {@link Leases} owns liveness; {@link StaticReservations} the configuration's reserved ports; a
 * {@link RegistryObserver} (the meters, in {@code observe/}) hears of what was committed. No two requests can be
 * granted one port, nothing is acknowledged that a restart would forget, and a change costs the events since it last
 * looked, not the allocations held. A lookup may see a change a moment before its commit; should the commit fail,
 * the change is undone and its request fails.
 *
 * <p>Longer than the other classes for a reason: about thirty public methods that {@code api/} and {@code cli/}
 * call, each a delegation with its contract, kept with their signatures so that those callers need not change.
 */
@ApplicationScoped
public class PortRegistry {

    private static final Logger LOG = Logger.getLogger(PortRegistry.class);
    /** Change-log events one prune transaction deletes at most: about 10 ms of the write lock on SQLite. */
    private static final int PRUNE_CHUNK = 1_000;
    /** Between a prune's chunks. */
    private static final Duration PRUNE_PAUSE = Duration.ofMillis(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final AllocationStore store;
    private final RegistryConfig config;
    private final InstantSource clock;
    private final ServiceTypes types;
    private final Hosts hosts;
    private final PlacementStrategy defaultStrategy;
    private final Set<Integer> reservedPorts;
    private final RegistryObserver observer;
    private final RegistryIndex index;
    private final GroupCommit groupCommit;
    private final IndexReplica replica;
    private final HostChanges decisions;
    private final Placement placement;
    private final Leases leases;
    private final RegistryQueries queries;
    private final StaticReservations staticReservations;
    private final Draining draining;
    private final HostMaintenance maintenance;
    private final HostAgents agents;
    private final ReportedAddresses reportedAddresses;
    private final HostReports reports;
    private final StoreCheck storeCheck;
    /** The hosts whose state stays when they hold nothing: the registry's own and the configured ones. */
    private final Set<String> alwaysKept;

    public PortRegistry(AllocationStore store, RegistryConfig config, ServiceTypes types, RegistryObserver observer,
            InstantSource clock) {
        ConfigBounds.check(config);
        this.store = store;
        this.config = config;
        this.observer = observer;
        this.clock = clock;
        this.types = types;
        this.reservedPorts = config.reservedPorts().orElse(Set.of());
        this.hosts = Hosts.of(config.host(), config.hosts(), config.maxHosts());
        this.alwaysKept = Set.copyOf(hosts.withHolders(List.of()));
        this.defaultStrategy = config.strategy();
        Map<ServiceType, PortRange> ranges = types.ranges();
        this.agents = new HostAgents(config.agents(), ranges, clock);
        this.reportedAddresses = new ReportedAddresses(store);
        this.index = new RegistryIndex(host -> newTable(ranges, host));
        LeaseDeadlines deadlines = new LeaseDeadlines(config.heartbeatTimeout(), index);
        this.replica = new IndexReplica(store, lock, index, deadlines);
        this.groupCommit = new GroupCommit(store, lock, index, deadlines, replica, this::settled, observer,
                clock);
        this.decisions = new HostChanges(groupCommit, replica, index);
        this.queries = new RegistryQueries(index, replica, decisions, hosts, ranges, reservedPorts, clock);
        this.placement = new Placement(observer, hosts, queries::knownHosts);
        this.leases = new Leases(store, config, clock, lock, index, groupCommit, decisions, replica, observer,
                deadlines, agents::dark, agents::listenerDecides);
        this.maintenance = new HostMaintenance(store, replica.shared());
        this.draining = new Draining(store, config, clock, groupCommit, decisions, maintenance,
                host -> hosts.admitNew(host, this::knownHostsWithMaintenance));
        this.reports = new HostReports(config.agents(), agents, reportedAddresses, leases, decisions, queries,
                observer, clock, this::release);
        this.staticReservations = new StaticReservations(config.staticReservations(), types, hosts.defaultHost());
        this.storeCheck = new StoreCheck(store, clock);
    }

    private PortTable newTable(Map<ServiceType, PortRange> ranges, String host) {
        // the bind probe sees only this machine, so it can only speak for the registry's own host; a host's agent
        // speaks for its host
        IntPredicate probed = config.bindCheck() && host.equals(hosts.defaultHost()) ? PortProbe::boundElsewhere
                : port -> false;
        IntPredicate reported = agents.listenedOn(host);
        return new PortTable(ranges, reservedPorts, port -> reported.test(port) || probed.test(port),
                config.reuseDelay());
    }

    /**
     * After every committed group, on the writer thread: the observer hears of the events, and the hosts the group
     * left holding nothing are forgotten, so that a host used once costs nothing (its table, its meters). The
     * registry's own and the configured hosts stay, as does a host in self-preservation until it ends there.
     */
    private void settled(Set<String> changed, long first, List<ChangeEvent> events) {
        if (!events.isEmpty()) {
            observer.committed(IndexReplica.numbered(first, events));
        }
        List<String> dropped;
        lock.lock();
        try {
            dropped = index.forgetIdle(changed, clock.instant(),
                    host -> alwaysKept.contains(host) || leases.selfPreserving(host));
        } finally {
            lock.unlock();
        }
        for (String host : dropped) {
            leases.forget(host);
            observer.hostIdle(host);
        }
    }

    /**
     * Opens the store after the beans that check their settings at start-up (API keys, rate limits): a replica
     * with a setting it cannot use must stop before it touches the stored allocations, which others may share.
     */
    void onStart(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 100) StartupEvent event) {
        open();
    }

    /** Opens the store, loads every allocation it holds and applies the static reservations of the configuration. */
    public void open() {
        store.open();
        replica.load(config.reuseDelay(), clock);
        maintenance.load();
        reportedAddresses.load();
        warnOfUnconfiguredTypes();
        Instant expiryResumedAt = leases.resumeAtStart();
        replica.start();
        groupCommit.start();
        int loaded = HostChanges.await(groupCommit.submit(Set.of(hosts.defaultHost()), changes -> {
            staticReservations.apply(changes);
            return (int) changes.index().all().count();
        }));
        decisions.opened();
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

    void closeOnShutdown(@Observes ShutdownEvent event) {
        try {
            leases.flushHeartbeats();
        } catch (RegistryException e) {
            LOG.warnf("Heartbeat times of the last second not written at shutdown: %s", e.getMessage());
        }
        if (decisions.isOpen()) {
            replica.close();
            groupCommit.close();
        }
    }

    /** True once {@link #open()} has loaded the store. */
    public boolean isOpen() {
        return decisions.isOpen();
    }

    /**
     * Grants a port on the request's host: the service's existing allocation there if it has one (moved to another
     * port if the request avoids its port), else a new one placed by the request's strategy. Completes only once
     * the allocation is stored.
     */
    public CompletionStage<Grant> allocate(AllocationRequest request) {
        String host = hosts.resolve(request.host());
        PlacementStrategy strategy = request.strategy().orElse(defaultStrategy);
        return decisions.change(Set.of(host), changes -> {
            placement.admitHost(changes, host);
            Optional<Allocation> existing = changes.table(host).byName(request.serviceName());
            if (existing.isPresent() && !request.avoidPorts().contains(existing.get().port())) {
                return new Grant(renew(changes, existing.get(), request, changes.now()), false, Optional.empty());
            }
            maintenance.refuseNew(changes, host);
            Optional<String> moved = existing.map(held -> moveOff(changes, held));
            Grant grant = placement.place(changes, host, request.serviceType(), placement.of(changes, host,
                    request.serviceName(), strategy, request.preferredPort(), request.required(),
                    request.avoidPorts()), request.processId(), request.liveness().orElse(Liveness.HEARTBEAT),
                    request.check(), request.protocol().orElse(Protocol.TCP));
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

    /** The check after a renewal: the same one keeps its status, another starts pending, none asked keeps it. */
    private static Optional<HealthCheck> renewedCheck(Allocation existing, AllocationRequest request) {
        return request.check().map(asked -> existing.check().filter(asked::sameAs).orElse(asked))
                .or(existing::check);
    }

    /** A service asking again (it restarted): it keeps its allocation, which counts as a heartbeat. */
    private Allocation renew(ChangeSet changes, Allocation existing, AllocationRequest request, Instant now) {
        if (!existing.serviceType().equals(request.serviceType())) {
            placement.refused(RegistryObserver.Conflict.SERVICE_CONFLICT);
            throw new ServiceConflictException("service '" + existing.serviceName() + "' already holds port "
                    + existing.port() + " as " + existing.serviceType() + "; release allocation "
                    + existing.allocationId() + " before allocating it as " + request.serviceType());
        }
        if (request.required() && request.preferredPort().isPresent()
                && request.preferredPort().get() != existing.port()) {
            placement.refused(RegistryObserver.Conflict.SERVICE_CONFLICT);
            throw new PortUnavailableException("service '" + existing.serviceName() + "' already holds port "
                    + existing.port() + "; release allocation " + existing.allocationId() + " before requiring port "
                    + request.preferredPort().get());
        }
        if (existing.reserved()) {
            return existing; // the configuration's, and TCP, whatever protocol its service asks for
        }
        if (request.protocol().filter(asked -> asked != existing.protocol()).isPresent()) {
            placement.refused(RegistryObserver.Conflict.SERVICE_CONFLICT);
            throw new ServiceConflictException("service '" + existing.serviceName() + "' already holds port "
                    + existing.port() + " for " + existing.protocol() + "; release allocation "
                    + existing.allocationId() + " before allocating it for " + request.protocol().get());
        }
        if (existing.protocol() == Protocol.UDP && request.check().isPresent()) {
            throw new InvalidRequestException(AllocationRequest.UDP_WITHOUT_CHECK);
        }
        Allocation renewed = new Allocation(existing.allocationId(), existing.host(), existing.port(),
                existing.serviceName(), existing.serviceType(), request.processId().or(existing::processId),
                existing.allocatedAt(), now, // asking again does not end a drain (Eureka's OUT_OF_SERVICE did)
                existing.draining() ? AllocationStatus.DRAINING : AllocationStatus.ACTIVE,
                request.liveness().orElse(existing.liveness()), renewedCheck(existing, request),
                existing.protocol());
        changes.replace(existing, renewed, EventType.RENEWED);
        leases.renewed(changes, renewed.allocationId());
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
        List<String> known = queries.knownHosts();
        List<String> targets = request.hosts().map(named -> named.stream().map(host -> hosts.resolve(
                Optional.of(host))).distinct().toList()).orElse(known);
        PlacementStrategy strategy = request.strategy().orElse(defaultStrategy);
        Set<String> locked = new TreeSet<>(targets);
        locked.addAll(known); // wherever an instance may be released
        return decisions.change(locked, changes -> {
            String name = request.serviceName();
            List<Allocation> current = changes.index().instances(name);
            current.stream().filter(instance -> !instance.serviceType().equals(request.serviceType())).findFirst()
                    .ifPresent(other -> {
                        throw new ServiceConflictException("service '" + name + "' runs on " + other.host() + " as "
                                + other.serviceType() + " (allocation " + other.allocationId() + "); it cannot be"
                                + " scaled as " + request.serviceType());
                    });
            // new instances take the protocol asked, else the one the service runs with, else TCP
            Protocol protocol = request.protocol().or(() -> current.stream().map(Allocation::protocol).findFirst())
                    .orElse(Protocol.TCP);
            current.stream().filter(instance -> instance.protocol() != protocol).findFirst().ifPresent(other -> {
                throw new ServiceConflictException("service '" + name + "' runs on " + other.host() + " for "
                        + other.protocol() + " (allocation " + other.allocationId() + "); it cannot be scaled for "
                        + protocol);
            });
            List<Allocation> added = new ArrayList<>();
            List<Allocation> removed = new ArrayList<>();
            int missing = request.instances() - current.size();
            if (missing > 0) {
                Set<String> running = new HashSet<>(current.stream().map(Allocation::host).toList());
                List<String> free = targets.stream().filter(host -> !running.contains(host))
                        .filter(host -> maintenance.inEffect(changes, host).isEmpty())
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
                    added.add(placement.place(changes, host, request.serviceType(), placement.of(changes, host, name,
                            strategy, Optional.empty(), false, Set.of()), Optional.empty(), protocol).allocation());
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
                    LOG.info("Scaled " + name + " down: released port " + instance.port() + " on " + instance.host()
                            + " (allocation " + instance.allocationId() + ")");
                }));
            }
            return new ScaleResult(changes.index().instances(name).stream().sorted(RegistryQueries.BY_PORT).toList(),
                    added, removed);
        });
    }

    /** Frees the allocation's port. Static reservations cannot be released: they belong to the configuration. */
    public CompletionStage<Allocation> release(UUID allocationId) {
        return decisions.ofAllocation(allocationId, changes -> {
            Allocation allocation = changes.index().byId(allocationId)
                    .orElseThrow(() -> HostChanges.notFound(allocationId));
            if (allocation.reserved()) {
                throw new ServiceConflictException("allocation " + allocationId + " of '" + allocation.serviceName()
                        + "' is a static reservation; remove sirsi.ports.static." + allocation.serviceName()
                        + " from the configuration to free port " + allocation.port());
            }
            changes.remove(List.of(allocation), EventType.RELEASED);
            changes.onCommit(() -> LOG.info("Released port " + allocation.port() + " of "
                    + allocation.serviceName() + " (allocation " + allocationId + ")"));
            return allocation;
        });
    }

    /**
     * Records that the service is alive. An Expired allocation is revived: a logged change, committed before the
     * reply. Otherwise, on a store of this process alone, the time only changes memory and reaches the store within
     * a second ({@link #flushHeartbeats}); on a shared store it is written before the reply, for the other replicas.
     */
    public CompletionStage<Allocation> heartbeat(UUID allocationId) {
        return leases.heartbeat(allocationId);
    }

    /** Writes the heartbeat times recorded in memory since the last flush, in one transaction. */
    public void flushHeartbeats() {
        leases.flushHeartbeats();
    }

    /** Records that this process is alive (every second), and learns when expiry last resumed. */
    public void markAlive() {
        leases.markAlive();
    }

    /** Marks Expired every allocation whose heartbeat timeout has passed (unless its host self-preserves). */
    public CompletionStage<List<Allocation>> markExpired() {
        return leases.markExpired();
    }

    /**
     * Marks what is due Expired, then removes every Expired allocation and frees its port; returns what went.
     * {@code force} expires what is due on hosts in self-preservation too.
     */
    public List<Allocation> cleanup(boolean force) {
        return leases.removeExpired(force);
    }

    /** The hosts in self-preservation now, sorted. */
    public List<String> selfPreservingHosts() {
        return leases.selfPreservingHosts();
    }

    /** Whether nothing on the host expires now, since its allocations went quiet together. */
    public boolean selfPreserving(String host) {
        return leases.selfPreserving(host);
    }

    /**
     * Drains the allocation: it is Draining at once, not offered by discovery, keeps its port, and is released after
     * {@code drainFor} (the configured drain timeout when empty) unless released or undrained before.
     */
    public CompletionStage<Drained> drain(UUID allocationId, Optional<Duration> drainFor, Optional<String> reason) {
        return draining.drain(allocationId, drainFor, reason);
    }

    /**
     * Puts the host in maintenance: every allocation there but the static reservations drains until the end of
     * {@code drainFor} (the configured drain timeout when empty), and no new one is made there until then.
     */
    public CompletionStage<Drained> drainHost(String host, Optional<Duration> drainFor, Optional<String> reason) {
        return draining.drainHost(hosts.resolve(Optional.of(host)), drainFor, reason);
    }

    /** Every host in maintenance now, by name. */
    public Map<String, Maintenance> maintenances() {
        return maintenance.inEffectAt(clock.instant());
    }

    /** The hosts {@code sirsi.ports.max-hosts} counts: those holding allocations, reporting, or in maintenance. */
    private List<String> knownHostsWithMaintenance() {
        Set<String> known = new TreeSet<>(queries.knownHosts());
        known.addAll(agents.agents().keySet());
        known.addAll(maintenances().keySet());
        return List.copyOf(known);
    }

    /** Ends the host's maintenance and undrains every Draining allocation there; returns those. */
    public CompletionStage<List<Allocation>> undrainHost(String host) {
        return draining.undrainHost(hosts.resolve(Optional.of(host)));
    }

    /** Puts a Draining allocation back into service: Active again. */
    public CompletionStage<Allocation> undrain(UUID allocationId) {
        return draining.undrain(allocationId);
    }

    /** Releases every Draining allocation whose drain time has ended; returns what went. */
    public CompletionStage<List<Allocation>> releaseDrained() {
        return draining.releaseDue();
    }

    /**
     * Deletes change-log events older than the retention, and the oldest beyond the maximum count: {@link
     * #PRUNE_CHUNK} at a time, each chunk a transaction of its own, with a pause between them. A minute's prune is
     * a few chunks on most platforms, but hundreds of thousands of events once the count limit is reached under
     * heavy churn; each chunk holds the write lock (on SQLite the whole database's) for a few milliseconds, and the
     * pause lets the registrations waiting for it through. Paced as etcd paces its compaction (a batch limit and a
     * sleep between batches), for the same reason.
     */
    public int pruneHistory() {
        if (!decisions.isOpen()) {
            return 0;
        }
        Instant olderThan = clock.instant().minus(config.history().retention());
        int pruned = 0;
        int deleted;
        do {
            deleted = store.prune(olderThan, config.history().maxEvents(), PRUNE_CHUNK);
            pruned += deleted;
        } while (deleted == PRUNE_CHUNK && pauseBetweenPruneChunks());
        if (pruned > 0) {
            LOG.infof("Pruned %d change-log events; the oldest retained revision is now %d", pruned,
                    store.oldestRevision());
        }
        return pruned;
    }

    /** False when interrupted (the registry stopping): the prune ends there, and the next one goes on. */
    private static boolean pauseBetweenPruneChunks() {
        try {
            Thread.sleep(PRUNE_PAUSE.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- lookups: RegistryQueries ------------------------------------------------------------------------------

    /**
     * Completes once the index holds every change committed before this call; at once when the store is this
     * process's alone. Lookups that must not be stale on a replica go through here.
     */
    public CompletionStage<Void> fresh() {
        return queries.fresh();
    }

    /** Every allocation, by host and port, as fresh as {@link #fresh}; waits, so not for an event loop. */
    public List<Allocation> all() {
        return queries.all();
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
        return queries.knownHosts();
    }

    /** The host's allocations by port, as fresh as {@link #fresh}; waits, so not for an event loop. */
    public List<Allocation> onHost(String host) {
        return queries.onHost(host);
    }

    public CompletionStage<Optional<Allocation>> byName(String serviceName, String host) {
        return queries.byName(serviceName, host);
    }

    /**
     * The service's instances as this process's index holds them now, without waiting for the change log (Consul's
     * {@code ?stale}): on a replica it may miss the last moment's changes of others, and says how far behind it is.
     */
    public StaleRead<List<Allocation>> instancesStale(String serviceName) {
        return queries.stale(read -> read.instancesNow(serviceName));
    }

    /** The service on the host as this process's index holds it now; see {@link #instancesStale}. */
    public StaleRead<Optional<Allocation>> byNameStale(String serviceName, String host) {
        return queries.stale(read -> read.byNameNow(serviceName, host));
    }

    public CompletionStage<Optional<Allocation>> byPort(int port, String host) {
        return queries.byPort(port, host);
    }

    /**
     * Every instance of the service, one per host it runs on: live ones (Active, Reserved), then Draining, then
     * Expired; then the registry's own host first, then by host.
     */
    public CompletionStage<List<Allocation>> instances(String serviceName) {
        return queries.instances(serviceName);
    }

    /** The service's instances discovery offers ({@link Offered}), by host; completes without blocking a thread. */
    public CompletionStage<List<Allocation>> offeredInstances(String serviceName) {
        return queries.offeredInstances(serviceName);
    }

    /** Whether discovery offers a service whose name ends in {@code .suffix} (on the host, if given). */
    public CompletionStage<Boolean> offersServiceBelow(String suffix, Optional<String> host) {
        return queries.offersServiceBelow(suffix, host);
    }

    /** The type's instances discovery offers ({@link Offered}), by host and port; never blocks a thread. */
    public CompletionStage<List<Allocation>> offeredOfType(ServiceType type) {
        return queries.offeredOfType(type);
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
        return queries.rangeUsage(host);
    }

    /** Per known host, its counts and the use of every range there; one read, so they agree. */
    public Map<String, HostUsage> hostUsage() {
        return queries.hostUsage();
    }

    /** A host's allocations and the use of every range there. */
    public record HostUsage(List<Allocation> allocations, List<RangeUsage> ranges) {

        public RegistryStats stats() {
            return RegistryStats.of(allocations);
        }
    }

    /**
     * How many allocations the index holds as it is: what a health answer counts while the store is down, when a
     * replica cannot first catch up with the log (as {@link #stats} does).
     */
    public int heldNow() {
        return queries.heldNow();
    }

    /** Counts of every allocation on every host. */
    public RegistryStats stats() {
        return RegistryStats.of(all());
    }

    /** Counts of the host's allocations. */
    public RegistryStats stats(String host) {
        return RegistryStats.of(onHost(host));
    }

    // ---- the change log: IndexReplica's feed and the store -----------------------------------------------------

    /** The revision of the change log that the index reflects: what an answer read now is at least as new as. */
    public long revision() {
        return index.revision();
    }

    /** A blocking read: completes with the revision once it passes {@code after}, or when the wait is over. */
    public CompletionStage<Long> awaitRevisionAfter(long after, Duration wait) {
        decisions.requireOpen();
        return replica.feed().awaitAfter(after, wait);
    }

    /**
     * Where a watch after this revision starts (this one's, when empty: from now on), so that a caller can say so
     * (and start its response) before any event can reach it.
     *
     * @throws RevisionCompactedException the events after it are no longer retained
     * @throws RevisionAheadException      the log has not reached it: a watch from there would miss events
     */
    public long watchStart(Optional<Long> after) {
        decisions.requireOpen();
        long start = after.orElseGet(replica.feed()::newest);
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
        decisions.requireOpen();
        return replica.feed().watch(start, filter, watcher);
    }

    /** Events matching the query, newest first, from the store. */
    public List<ChangeEvent> history(HistoryQuery query) {
        decisions.requireOpen();
        return store.history(query);
    }

    /** The oldest revision still retained in the change log. */
    public long oldestRevision() {
        return store.oldestRevision();
    }

    /**
     * Fails with {@link StoreUnavailableException} unless the store answers now; a failure under a second old answers
     * again without asking the store ({@link StoreCheck}).
     */
    public void checkStore() {
        storeCheck.check();
    }

    public String storeLocation() {
        return store.location();
    }

    /** Takes a host agent's report ({@link HostReports}): what it changes is committed before this returns. */
    public HostAgents.Reconciled report(String host, HostObservation observation) {
        return reports.take(hosts.resolve(Optional.of(host)), observation);
    }

    /** The addresses hosts' agents reported, which the DNS interface answers their names with. */
    public ReportedAddresses reportedAddresses() {
        return reportedAddresses;
    }

    /** Reads the hosts' reported addresses again, if replicas share the store: another may have taken a report. */
    public void reloadReportedAddresses() {
        reportedAddresses.reload();
    }

    /** The hosts' agents, as {@code api/} shows them. */
    public HostAgents agents() {
        return agents;
    }

    /** How long an allocation stays Active without a heartbeat; clients heartbeat well within it. */
    public Duration heartbeatTimeout() {
        return config.heartbeatTimeout();
    }
}
