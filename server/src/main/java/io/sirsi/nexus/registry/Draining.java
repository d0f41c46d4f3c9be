package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Draining: an allocation asked to take no new work ({@code POST /ports/drain}) is Draining. Discovery stops offering
 * it the moment the {@code draining} event commits (it is no longer Active), it keeps its port, a heartbeat or a
 * service asking again does not end it, and when its drain time ends it is released, unless released or undrained
 * before. The drain time is stored with the allocation ({@code drain_until}), so it survives a restart and every
 * replica sees it: the release pass reads the due ones from the store and decides under their hosts' locks. A host
 * put in maintenance drains all its allocations until a time and takes no new ones until then
 * ({@link HostMaintenance}).
 */
final class Draining {

    private static final Logger LOG = Logger.getLogger(Draining.class);
    /** The longest drain: a drain is a step of a shutdown or a maintenance, not a way to park a port for good. */
    static final Duration LONGEST = Duration.ofDays(30);
    private static final int LONGEST_REASON = 200;

    private final AllocationStore store;
    private final RegistryConfig config;
    private final InstantSource clock;
    private final GroupCommit groupCommit;
    private final HostChanges changes;
    private final HostMaintenance maintenance;
    /** Refuses a host new to the registry when {@code sirsi.ports.max-hosts} are known ({@link Hosts#admitNew}). */
    private final Consumer<String> admitHost;

    Draining(AllocationStore store, RegistryConfig config, InstantSource clock, GroupCommit groupCommit,
            HostChanges changes, HostMaintenance maintenance, Consumer<String> admitHost) {
        this.maintenance = maintenance;
        this.admitHost = admitHost;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.groupCommit = groupCommit;
        this.changes = changes;
    }

    /**
     * Drains the allocation for {@code drainFor} (the configured drain timeout when empty): it is Draining at once and
     * released when the time ends. Draining one already Draining sets its time and reason anew; an Expired one or a
     * static reservation cannot drain.
     */
    CompletionStage<Drained> drain(UUID allocationId, Optional<Duration> drainFor, Optional<String> reason) {
        Duration length = checkedLength(drainFor.orElse(config.drainTimeout()));
        Optional<String> why = reason.map(Draining::checkedReason);
        return changes.ofAllocation(allocationId, changeSet -> {
            Allocation allocation = changeSet.index().byId(allocationId)
                    .orElseThrow(() -> HostChanges.notFound(allocationId));
            if (allocation.reserved()) {
                throw new ServiceConflictException("allocation " + allocationId + " of '" + allocation.serviceName()
                        + "' is a static reservation, which cannot drain: it belongs to the configuration"
                        + " (sirsi.ports.static." + allocation.serviceName() + ")");
            }
            if (allocation.expired()) {
                throw new ServiceConflictException("allocation " + allocationId + " of '" + allocation.serviceName()
                        + "' is Expired: its service stopped heartbeating, so it takes no work to drain; a drain"
                        + " would only keep its port from cleanup. Release it, or let cleanup remove it");
            }
            Instant until = changeSet.now().plus(length);
            return new Drained(allocation.host(), List.of(drain(changeSet, allocation, until, why)), until, why);
        });
    }

    /**
     * Puts the host in maintenance for {@code drainFor} (the configured drain timeout when empty): every allocation
     * there but the static reservations drains until then, and no new one is made there until then. A host that
     * holds nothing yet may be put in maintenance (no allocation is made there until it ends), but it is a host the
     * registry knows from then on, and as bounded as any other ({@code sirsi.ports.max-hosts}).
     */
    CompletionStage<Drained> drainHost(String host, Optional<Duration> drainFor, Optional<String> reason) {
        Duration length = checkedLength(drainFor.orElse(config.drainTimeout()));
        Optional<String> why = reason.map(Draining::checkedReason);
        // before the change, on the request's worker thread: it may read the store, which the writer's turn must not
        // wait on and an event loop must not block on
        admitHost.accept(host);
        return changes.change(Set.of(host), changeSet -> {
            Instant until = changeSet.now().plus(length);
            maintenance.start(changeSet, new Maintenance(host, until, why));
            // an Expired allocation takes no work, and draining it would keep its port from cleanup
            List<Allocation> drained = changeSet.table(host).all().stream()
                    .filter(allocation -> !allocation.reserved() && !allocation.expired())
                    .sorted(Comparator.comparingInt(Allocation::port)).toList().stream()
                    .map(allocation -> drain(changeSet, allocation, until, why)).toList();
            changeSet.onCommit(() -> LOG.infof("Host %s in maintenance until %s%s: %d allocations draining, no new"
                    + " ones there until then", host, until, why.map(text -> " (" + text + ")").orElse(""),
                    drained.size()));
            return new Drained(host, drained, until, why);
        });
    }

    private static Allocation drain(ChangeSet changeSet, Allocation allocation, Instant until, Optional<String> why) {
        Allocation draining = allocation.withStatus(AllocationStatus.DRAINING);
        changeSet.replace(allocation, draining, EventType.DRAINING);
        changeSet.write(new StoreWrite.Drain(allocation.allocationId(), until, why));
        changeSet.onCommit(() -> LOG.infof("Draining %s on port %d of %s (allocation %s) until %s%s: no longer"
                        + " offered by discovery; its port is released then unless undrained",
                allocation.serviceName(), allocation.port(), allocation.host(), allocation.allocationId(), until,
                why.map(text -> " (" + text + ")").orElse("")));
        return draining;
    }

    /** Puts a Draining allocation back into service: it is Active again, and offered again. */
    CompletionStage<Allocation> undrain(UUID allocationId) {
        return changes.ofAllocation(allocationId, changeSet -> {
            Allocation allocation = changeSet.index().byId(allocationId)
                    .orElseThrow(() -> HostChanges.notFound(allocationId));
            if (!allocation.draining()) {
                throw new ServiceConflictException("allocation " + allocationId + " of '" + allocation.serviceName()
                        + "' is " + allocation.status() + ", not Draining; only a drained allocation can be undrained");
            }
            return undrain(changeSet, allocation);
        });
    }

    /** Ends the host's maintenance and undrains every Draining allocation there; returns those. */
    CompletionStage<List<Allocation>> undrainHost(String host) {
        return changes.change(Set.of(host), changeSet -> {
            boolean inMaintenance = maintenance.inEffect(changeSet, host).isPresent();
            List<Allocation> draining = changeSet.index().existing(host).map(table -> table.all().stream()
                    .filter(Allocation::draining).sorted(Comparator.comparingInt(Allocation::port)).toList())
                    .orElse(List.of());
            if (!inMaintenance && draining.isEmpty()) {
                throw new ServiceConflictException("host " + host + " is not in maintenance and has no Draining"
                        + " allocation");
            }
            maintenance.end(changeSet, host);
            changeSet.onCommit(() -> LOG.infof("Host %s out of maintenance: new allocations accepted there again",
                    host));
            return draining.stream().map(allocation -> undrain(changeSet, allocation)).toList();
        });
    }

    private static Allocation undrain(ChangeSet changeSet, Allocation allocation) {
        Allocation active = allocation.withStatus(AllocationStatus.ACTIVE);
        changeSet.replace(allocation, active, EventType.UNDRAINED);
        changeSet.write(new StoreWrite.Undrain(allocation.allocationId()));
        changeSet.onCommit(() -> LOG.infof("Undrained %s on port %d of %s (allocation %s): offered again",
                allocation.serviceName(), allocation.port(), allocation.host(), allocation.allocationId()));
        return active;
    }

    /**
     * Releases every Draining allocation whose drain time has ended. The store says which (the index does not hold
     * drain times); they are read again under their hosts' locks, since another replica may have released,
     * undrained or drained them anew meanwhile.
     */
    CompletionStage<List<Allocation>> releaseDue() {
        if (!changes.isOpen()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<DrainDeadline> due = store.drainsDue(clock.instant());
        if (due.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Set<String> hosts = new TreeSet<>(due.stream().map(DrainDeadline::host).toList());
        return groupCommit.submit(hosts, changeSet -> {
            List<Allocation> released = new ArrayList<>();
            for (DrainDeadline deadline : changeSet.transaction().drainsDue(changeSet.now())) {
                if (hosts.contains(deadline.host())) {
                    changeSet.index().byId(deadline.allocationId()).filter(Allocation::draining)
                            .ifPresent(released::add);
                }
            }
            changeSet.remove(released, EventType.RELEASED);
            changeSet.onCommit(() -> released.forEach(allocation -> LOG.infof(
                    "Released port %d of %s on %s (allocation %s): its drain time ended", allocation.port(),
                    allocation.serviceName(), allocation.host(), allocation.allocationId())));
            return released;
        });
    }

    private static Duration checkedLength(Duration length) {
        if (length.isNegative() || length.isZero() || length.compareTo(LONGEST) > 0) {
            throw new InvalidRequestException("a drain lasts more than 0s and at most " + LONGEST.toDays()
                    + "d; got " + Durations.written(length));
        }
        return length;
    }

    private static String checkedReason(String reason) {
        if (reason.isBlank() || reason.length() > LONGEST_REASON
                || reason.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("reason must be 1 to " + LONGEST_REASON + " characters without"
                    + " control characters; got '" + InvalidRequestException.shown(reason) + "'");
        }
        return reason;
    }
}
