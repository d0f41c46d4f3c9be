package io.sirsi.nexus.registry;

import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Taking a host agent's report: reconciled with the host's allocations ({@link HostAgents}), its addresses kept
 * ({@link ReportedAddresses}), the allocations kept alive by their listener heartbeated or expired by it ({@link
 * Leases}), both edges of "listening" and each check's change of status logged, and the configured action taken on
 * each allocation that has just stopped listening. An agent never takes or frees a port by itself: expiry keeps the
 * port until cleanup, and release is the operator's configured choice.
 */
final class HostReports {

    private static final Logger LOG = Logger.getLogger(HostReports.class);

    private final RegistryConfig.Agents config;
    private final HostAgents agents;
    private final ReportedAddresses addresses;
    private final Leases leases;
    private final HostChanges decisions;
    private final RegistryQueries queries;
    private final RegistryObserver observer;
    private final InstantSource clock;
    private final Function<UUID, CompletionStage<Allocation>> release;

    HostReports(RegistryConfig.Agents config, HostAgents agents, ReportedAddresses addresses, Leases leases,
            HostChanges decisions, RegistryQueries queries, RegistryObserver observer, InstantSource clock,
            Function<UUID, CompletionStage<Allocation>> release) {
        this.config = config;
        this.agents = agents;
        this.addresses = addresses;
        this.leases = leases;
        this.decisions = decisions;
        this.queries = queries;
        this.observer = observer;
        this.clock = clock;
        this.release = release;
    }

    /** Takes the report of a host (in its one form); the events it causes are committed before this returns. */
    HostAgents.Reconciled take(String host, HostObservation observation) {
        HostAgents.Reconciled reconciled = agents.report(host, observation, queries.onHost(host));
        addresses.reported(host, observation.addresses(), clock.instant());
        observer.agentReported(host);
        leases.listenersHeard(reconciled.liveness().heard());
        logListening(host, reconciled);
        HostChanges.await(leases.listenersLost(host, reconciled.liveness().lost()));
        if (config.notListeningAction() == RegistryConfig.NotListeningAction.release) {
            for (Allocation silent : reconciled.stoppedListening()) {
                release.apply(silent.allocationId()).exceptionally(failure -> {
                    LOG.warnf("Not-listening allocation %s not released: %s", silent.allocationId(),
                            failure.getMessage());
                    return null;
                });
            }
        }
        return reconciled;
    }

    /**
     * Puts both edges of "listening" in the change log, so that a watcher sees them: {@code not_listening} and
     * {@code listening} again; and each check's change of status, which is stored with the allocation (discovery
     * reads it on every replica). Each names the allocation as the index holds it now; one released or no longer Active
     * meanwhile gets no event. Waited for, so that the report's answer follows its events.
     */
    private void logListening(String host, HostAgents.Reconciled reconciled) {
        if (reconciled.stoppedListening().isEmpty() && reconciled.listeningAgain().isEmpty()
                && reconciled.checkChanges().isEmpty()) {
            return;
        }
        HostChanges.await(decisions.change(Set.of(host), changes -> {
            noteEach(changes, reconciled.stoppedListening(), EventType.NOT_LISTENING);
            noteEach(changes, reconciled.listeningAgain(), EventType.LISTENING);
            for (HostAgents.CheckChange change : reconciled.checkChanges()) {
                changes.index().byId(change.allocationId()).filter(now -> now.check().isPresent()).ifPresent(now -> {
                    changes.replace(now, now.withCheckStatus(change.status()), EventType.ofCheck(change.status()));
                    changes.onCommit(() -> LOG.infof("Check of %s on %s:%d is %s now (allocation %s)",
                            now.serviceName(), now.host(), now.port(), change.status().wireName(),
                            now.allocationId()));
                });
            }
            return null;
        }));
    }

    private static void noteEach(ChangeSet changes, List<Allocation> allocations, EventType event) {
        for (Allocation seen : allocations) {
            changes.index().byId(seen.allocationId()).filter(now -> now.status() == AllocationStatus.ACTIVE)
                    .ifPresent(now -> changes.note(event, now));
        }
    }
}
