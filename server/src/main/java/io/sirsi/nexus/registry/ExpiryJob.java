package io.sirsi.nexus.registry;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.InstantSource;
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

    /**
     * A job that fails every second while the store is down would log every second: one line a job a minute, the
     * next saying how many were held back (the store's outage itself is logged by the store check).
     */
    private static final Duration QUIET = Duration.ofMinutes(1);

    private final PortRegistry registry;
    private final LogThrottle failures;

    public ExpiryJob(PortRegistry registry, InstantSource clock) {
        this.registry = registry;
        this.failures = new LogThrottle(clock, QUIET, 16);
    }

    /** What a pass that completes exceptionally failed of: the registry's exception inside the completion's. */
    private static String causeOf(RuntimeException e) {
        return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
    }

    /** A job's failure, as a WARN at most once a minute for that job. */
    private void skipped(String job, String text) {
        failures.admit(job).ifPresent(due -> LOG.warn(text + due.heldBackText("such lines")));
    }

    @Scheduled(identity = "mark-expired", every = "${sirsi.ports.expiry-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void markExpired() {
        try {
            registry.markExpired().toCompletableFuture().join();
        } catch (RuntimeException e) {
            skipped("mark-expired", "Expiry pass skipped: " + causeOf(e));
        }
    }

    @Scheduled(identity = "release-drained", every = "${sirsi.ports.expiry-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void releaseDrained() {
        try {
            registry.releaseDrained().toCompletableFuture().join();
        } catch (RuntimeException e) {
            skipped("release-drained", "Drain pass skipped: " + causeOf(e));
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
            skipped("remove-expired", "Scheduled cleanup skipped: " + e.getMessage());
        }
    }

    @Scheduled(identity = "mark-alive", every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void markAlive() {
        try {
            registry.markAlive();
        } catch (RegistryException e) {
            skipped("mark-alive", "Could not record that the registry is alive, will retry: " + e.getMessage());
        }
    }

    @Scheduled(identity = "flush-heartbeats", every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flushHeartbeats() {
        try {
            registry.flushHeartbeats();
        } catch (RegistryException e) {
            skipped("flush-heartbeats", "Heartbeat times not written yet, will retry: " + e.getMessage());
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
            skipped("reload-host-addresses", "Hosts' reported addresses not read again, will retry: " + e.getMessage());
        }
    }

    @Scheduled(identity = "prune-history", every = "1m", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pruneHistory() {
        try {
            registry.pruneHistory();
        } catch (RegistryException e) {
            skipped("prune-history", "Change log not pruned, will retry: " + e.getMessage());
        }
    }
}
