package io.sirsi.nexus.cli;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.sirsi.nexus.registry.PortRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;

/**
 * The registry's scheduled jobs (expiry, cleanup, heartbeat flush, liveness, pruning) start only once its store is
 * open. Quarkus starts its scheduler before the application's start-up observers run, so on a start that is then
 * refused (a locked data directory, a bad setting) the jobs used to fire against a registry that never opened, and
 * logged null pointers among the refusal. The scheduler therefore starts halted ({@code
 * quarkus.scheduler.start-mode=halted}) and is resumed here, after {@link PortRegistry} has opened its store (its
 * observer runs at {@code DEFAULT_PRIORITY + 100}; this one after it). A start that fails never gets here.
 */
@ApplicationScoped
public class JobsAfterOpen {

    private final PortRegistry registry;
    private final Scheduler scheduler;

    public JobsAfterOpen(PortRegistry registry, Scheduler scheduler) {
        this.registry = registry;
        this.scheduler = scheduler;
    }

    void resumeJobs(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 200) StartupEvent event) {
        if (registry.isOpen()) {
            scheduler.resume();
        }
    }
}
