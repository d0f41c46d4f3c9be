package io.sirsi.nexus.registry;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The registry's clockwork: marks allocations Expired when their heartbeat timeout passes (every
 * {@code sirsi.ports.expiry-interval}), releases Draining ones whose drain time ended (as often), frees the ports
 * of Expired ones (every {@code sirsi.ports.cleanup-interval}),
 * writes the heartbeat times held in memory and records that the registry is alive (every second), reads the hosts'
 * reported addresses again where replicas share the store (every 5 s), and prunes the change log (every minute).
 */
@ApplicationScoped
public class ExpiryJob {

    private static final Logger LOG = Logger.getLogger(ExpiryJob.class);

    private final PortRegistry registry;

    public ExpiryJob(PortRegistry registry) {
        this.registry = registry;
    }

    @Scheduled(identity = "mark-expired", every = "${sirsi.ports.expiry-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void markExpired() {
        try {
            registry.markExpired().toCompletableFuture().join();
        } catch (RuntimeException e) {
            LOG.warnf("Expiry pass skipped: %s", e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }

    @Scheduled(identity = "release-drained", every = "${sirsi.ports.expiry-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void releaseDrained() {
        try {
            registry.releaseDrained().toCompletableFuture().join();
        } catch (RuntimeException e) {
            LOG.warnf("Drain pass skipped: %s", e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }

    @Scheduled(identity = "remove-expired", every = "${sirsi.ports.cleanup-interval}",
            delayed = "${sirsi.ports.cleanup-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void removeExpired() {
        if (!registry.isOpen()) {
            return;
        }
        try {
            registry.cleanup(false);
        } catch (RegistryException e) {
            LOG.warnf("Scheduled cleanup skipped: %s", e.getMessage());
        }
    }

    @Scheduled(identity = "mark-alive", every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void markAlive() {
        try {
            registry.markAlive();
        } catch (RegistryException e) {
            LOG.warnf("Could not record that the registry is alive, will retry: %s", e.getMessage());
        }
    }

    @Scheduled(identity = "flush-heartbeats", every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flushHeartbeats() {
        try {
            registry.flushHeartbeats();
        } catch (RegistryException e) {
            LOG.warnf("Heartbeat times not written yet, will retry: %s", e.getMessage());
        }
    }

    /** As often as agents report by default: a host's new address reaches every replica's DNS within seconds. */
    @Scheduled(identity = "reload-host-addresses", every = "5s", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reloadHostAddresses() {
        if (!registry.isOpen()) {
            return;
        }
        try {
            registry.reloadReportedAddresses();
        } catch (RegistryException e) {
            LOG.warnf("Hosts' reported addresses not read again, will retry: %s", e.getMessage());
        }
    }

    @Scheduled(identity = "prune-history", every = "1m", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pruneHistory() {
        try {
            registry.pruneHistory();
        } catch (RegistryException e) {
            LOG.warnf("Change log not pruned, will retry: %s", e.getMessage());
        }
    }
}
