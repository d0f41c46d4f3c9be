package io.sirsi.nexus.cli;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.sirsi.nexus.registry.PortRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;

/**
 * The registry's scheduled jobs (expiry, cleanup, heartbeat flush, liveness, pruning) start only once its store is
 * open, and stop first when it shuts down. Quarkus starts its scheduler before the application's start-up observers
 * run, so on a start that is then refused (a locked data directory, a bad setting) the jobs used to fire against a
 * registry that never opened, and logged null pointers among the refusal. The scheduler therefore starts halted ({@code
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

    /**
     * No new run once the registry shuts down, first of the shutdown's observers: a job fired while the container was
     * going away logged a null pointer and its trace ("Error Occurred After Shutdown"; a review saw it in 2 of about
     * 17 stops by SIGTERM). A run in progress finishes; the registry's own shutdown flushes what the jobs would have.
     */
    void pauseJobs(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY - 200) ShutdownEvent event) {
        scheduler.pause();
    }
}
