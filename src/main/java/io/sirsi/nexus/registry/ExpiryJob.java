package io.sirsi.nexus.registry;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Frees the ports of expired allocations every {@code sirsi.ports.cleanup-interval}, and writes the heartbeat
 * times held in memory every second.
 */
@ApplicationScoped
public class ExpiryJob {

    private static final Logger LOG = Logger.getLogger(ExpiryJob.class);

    private final PortRegistry registry;

    public ExpiryJob(PortRegistry registry) {
        this.registry = registry;
    }

    @Scheduled(identity = "expire-allocations", every = "${sirsi.ports.cleanup-interval}",
            delayed = "${sirsi.ports.cleanup-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        if (!registry.isOpen()) {
            return;
        }
        try {
            registry.cleanup();
        } catch (RegistryException e) {
            LOG.warnf("Scheduled cleanup skipped: %s", e.getMessage());
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
}
