package io.sirsi.nexus.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A service's own port, kept alive: {@link SirsiNexusClient#lease} allocates it, a daemon thread heartbeats at a third
 * of the registry's heartbeat timeout (two beats may be lost before it would expire), and {@link #close()} releases
 * it, so {@code try (Lease lease = ...)} holds the port exactly as long as the block.
 *
 * <p>While the registry is away (restarting, unreachable, overloaded, or a proxy in front of it answers 502 or 504)
 * the heartbeat is retried with backoff, from a quarter of a second up to the interval. Should the registry no longer
 * know the allocation when it answers again (it lost its data, or cleaned the allocation up after a long outage), the
 * lease allocates again, asking for the port it had; {@link #allocation()} is always the current one.
 *
 * <p>An allocation that was drained (an operator's "send me no new work", {@link SirsiNexusClient#drain}) is not
 * allocated again when its drain ends and the registry releases it: the registry's history says it was released
 * while Draining, and the lease stops, logs so and completes {@link #drainEnded()}. Heartbeats go on while it drains.
 */
public final class Lease implements AutoCloseable {

    /** The heartbeat timeout assumed when the registry does not say its own (the spec's default). */
    static final Duration ASSUMED_TIMEOUT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(Lease.class.getName());
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration SHORTEST_INTERVAL = Duration.ofMillis(100);

    private final SirsiNexusClient client;
    private final AllocationRequest request;
    private final Duration interval;
    private final ScheduledExecutorService heartbeats;
    private final CompletableFuture<Allocation> drainEnded = new CompletableFuture<>();
    private volatile Allocation allocation;
    private volatile boolean closed;
    private int failures;

    Lease(SirsiNexusClient client, AllocationRequest request, Allocation first, Duration interval) {
        this.client = client;
        this.request = request;
        this.allocation = first;
        this.interval = interval;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sirsi-lease-" + request.serviceName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A third of the registry's heartbeat timeout: a safe rate that survives two lost beats. */
    static Duration intervalFor(Duration heartbeatTimeout) {
        Duration third = heartbeatTimeout.dividedBy(3);
        return third.compareTo(SHORTEST_INTERVAL) < 0 ? SHORTEST_INTERVAL : third;
    }

    Lease start() {
        schedule(interval);
        return this;
    }

    /** The allocation held now (a new one after the registry forgot the first). */
    public Allocation allocation() {
        return allocation;
    }

    /** The port held now. */
    public int port() {
        return allocation.port();
    }

    /** The id of the allocation held now. */
    public UUID allocationId() {
        return allocation.allocationId();
    }

    /** How often the lease heartbeats while the registry answers. */
    public Duration heartbeatInterval() {
        return interval;
    }

    /**
     * Completes, with the allocation the lease held, when the lease has stopped because its allocation was drained and
     * the registry released it (its drain ended, or it was released while Draining): the lease holds no port any more
     * and does not allocate again. The service should finish its work and stop, or lease anew if it is to serve again.
     * Never completes while the lease holds its port, nor on {@link #close()}.
     */
    public CompletionStage<Allocation> drainEnded() {
        return drainEnded.minimalCompletionStage();
    }

    /**
     * Stops the heartbeats and releases the port. A registry that cannot be reached now lets the allocation expire on
     * its own; this is logged, not thrown, so that closing never fails a shutdown.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        UUID id = allocation.allocationId();
        try {
            client.release(id);
        } catch (NotFoundException gone) {
            LOG.log(Level.DEBUG, "allocation {0} was already gone at release", id);
        } catch (RegistryException e) {
            LOG.log(Level.WARNING, "could not release port {0} of {1} ({2}); the registry expires it when its"
                    + " heartbeat timeout passes", String.valueOf(allocation.port()), request.serviceName(),
                    e.getMessage());
        }
    }

    private void schedule(Duration delay) {
        if (!closed) {
            heartbeats.schedule(this::beat, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void beat() {
        if (closed) {
            return;
        }
        try {
            client.heartbeat(allocation.allocationId());
            recovered();
            schedule(interval);
        } catch (NotFoundException forgotten) {
            forgotten();
        } catch (RegistryUnavailableException | RateLimitedException away) {
            retryLater(away);
        } catch (RegistryException refused) {
            LOG.log(Level.WARNING, "heartbeat of {0} refused: {1}", request.serviceName(), refused.getMessage());
            schedule(interval);
        } catch (RuntimeException unexpected) {
            LOG.log(Level.ERROR, "heartbeat of " + request.serviceName() + " failed", unexpected);
            schedule(interval);
        }
    }

    /**
     * The registry answers but no longer knows the allocation. Released while Draining: an operator asked for no new
     * work, so the lease stops. Anything else (no trace of it: the registry lost its data; removed by cleanup after
     * it expired) is a loss the service did not ask for: it allocates again.
     */
    private void forgotten() {
        Optional<ChangeEvent> last;
        try {
            last = lastEventOf(allocation);
        } catch (RegistryUnavailableException | RateLimitedException away) {
            retryLater(away);
            return;
        } catch (RegistryException unreadable) {
            LOG.log(Level.WARNING, "cannot read the history of allocation {0} of {1} ({2}); taking it as lost",
                    allocation.allocationId(), request.serviceName(), unreadable.getMessage());
            last = Optional.empty();
        }
        if (last.filter(event -> "released".equals(event.type()) && event.allocation().draining()).isPresent()) {
            closed = true;
            heartbeats.shutdown();
            LOG.log(Level.WARNING, "port {0} of {1} (allocation {2}) was drained and the registry released it;"
                    + " the lease stops and does not allocate again", String.valueOf(allocation.port()),
                    request.serviceName(), allocation.allocationId());
            drainEnded.complete(allocation);
        } else {
            reallocate();
        }
    }

    /** The newest event of the allocation in the registry's history; empty when the registry has none. */
    private Optional<ChangeEvent> lastEventOf(Allocation lost) {
        HistoryQuery query = HistoryQuery.all().withService(lost.serviceName()).withHost(lost.host())
                .withPort(lost.port());
        return client.history(query).stream()
                .filter(event -> lost.allocationId().equals(event.allocation().allocationId())).findFirst();
    }

    /** Takes the port again (the same one if it can). */
    private void reallocate() {
        Allocation lost = allocation;
        AllocationRequest again = Boolean.TRUE.equals(request.required()) ? request
                : request.withPreferredPort(lost.port());
        try {
            allocation = client.allocate(again);
            recovered();
            LOG.log(Level.INFO, "the registry had lost allocation {0} of {1}; allocated port {2} again as {3}",
                    lost.allocationId(), request.serviceName(), String.valueOf(allocation.port()),
                    allocation.allocationId());
            schedule(interval);
        } catch (RegistryUnavailableException | RateLimitedException away) {
            retryLater(away);
        } catch (RegistryException refused) {
            LOG.log(Level.WARNING, "could not allocate {0} again: {1}", request.serviceName(), refused.getMessage());
            retryLater(refused);
        }
    }

    private void retryLater(RegistryException why) {
        failures++;
        Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 16));
        Duration delay = backoff.compareTo(interval) > 0 ? interval : backoff;
        if (failures == 1) {
            LOG.log(Level.WARNING, "registry unavailable for the heartbeat of {0} ({1}); retrying with backoff",
                    request.serviceName(), why.getMessage());
        }
        schedule(delay);
    }

    private void recovered() {
        if (failures > 0) {
            LOG.log(Level.INFO, "heartbeats of {0} go through again after {1} failed tries", request.serviceName(),
                    failures);
            failures = 0;
        }
    }
}
