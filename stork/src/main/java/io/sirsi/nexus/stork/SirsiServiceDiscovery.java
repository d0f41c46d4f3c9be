package io.sirsi.nexus.stork;

import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.ChangeEvent;
import io.sirsi.nexus.client.ConflictException;
import io.sirsi.nexus.client.NotFoundException;
import io.sirsi.nexus.client.RegistryException;
import io.sirsi.nexus.client.RevisionCompactedException;
import io.sirsi.nexus.client.SirsiNexusClient;
import io.sirsi.nexus.client.Watch;
import io.sirsi.nexus.client.WatchListener;
import io.sirsi.nexus.client.WatchOptions;
import io.smallrye.mutiny.Uni;
import io.smallrye.stork.api.Metadata;
import io.smallrye.stork.api.ServiceDiscovery;
import io.smallrye.stork.api.ServiceInstance;
import io.smallrye.stork.impl.DefaultServiceInstance;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One service's instances, pushed: a watch of {@code /ports/events} for the service applies each change to the list
 * as it arrives, so {@link #getServiceInstances()} answers from memory and is never older than the stream.
 *
 * <p>The list is read whole ({@code /ports/instances}) with the change-log revision the answer is at least as new as,
 * and the watch starts after that revision, so a change committed between the read and the stream's start is
 * replayed, not lost (a change the read already showed is applied again, to the same end, as events come in order).
 * When the read gives no revision (the registry was unreachable, or the service has no instance yet: a 404), the
 * watch starts from when it connects and the list is read whole on that first connection, after the stream's start.
 * When the registry is unreachable the last known list is kept and a line is logged; the watch resumes by
 * {@code Last-Event-ID} when the registry is back, with no re-read. Only when the registry no longer keeps the events
 * since (a long outage) is the list read whole again.
 *
 * <p>Each allocation keeps its {@link ServiceInstance} object, and so its id, for as long as it is an instance:
 * load balancers that keep state per instance keep it across updates.
 */
final class SirsiServiceDiscovery implements ServiceDiscovery, WatchListener {

    private static final System.Logger LOG = System.getLogger(SirsiServiceDiscovery.class.getName());
    /** How long to wait before watching again after a refusal (a key without the reader role, say). */
    private static final Duration RETRY_REFUSED = Duration.ofSeconds(5);
    /** What {@link #readWhole()} returns when the registry could not answer. */
    private static final long NOT_READ = Long.MIN_VALUE;

    private final SirsiNexusClient client;
    private final InstanceFilter filter;
    private final boolean secure;
    private final AtomicLong nextId = new AtomicLong();
    /** Instance by allocation id, in the order they came; replaced as a whole list on each change. */
    private final Map<UUID, ServiceInstance> instances = new LinkedHashMap<>();
    private final Map<UUID, Long> ids = new ConcurrentHashMap<>();
    private volatile List<ServiceInstance> current = List.of();
    private volatile Watch watch;
    private volatile boolean away;
    private volatile boolean read;

    SirsiServiceDiscovery(SirsiNexusClient client, InstanceFilter filter, boolean secure) {
        this.client = client;
        this.filter = filter;
        this.secure = secure;
    }

    SirsiServiceDiscovery start() {
        follow(); // reads at once, for an answer to the first request when the registry is up
        return this;
    }

    /** Reads the list whole, then watches after the revision of that read (without one, it reads again on connect). */
    private void follow() {
        long revision = readWhole();
        WatchOptions options = filter.watch();
        read = revision >= 0;
        watch = client.watch(read ? options.since(revision) : options, this);
    }

    @Override
    public Uni<List<ServiceInstance>> getServiceInstances() {
        return Uni.createFrom().item(current);
    }

    @Override
    public void onConnected(long afterRevision) {
        if (away) {
            away = false;
            LOG.log(Level.INFO, "Registry reachable again: following ''{0}'' after revision {1}", filter.service(),
                    String.valueOf(afterRevision));
        }
        if (!read) {
            read = readWhole() != NOT_READ; // the stream has started: any answer now misses nothing
        }
    }

    @Override
    public void onEvent(ChangeEvent event) {
        Allocation allocation = event.allocation();
        synchronized (instances) {
            if (!event.ends() && filter.accepts(allocation)) {
                instances.computeIfAbsent(allocation.allocationId(), id -> instance(allocation));
            } else {
                instances.remove(allocation.allocationId());
            }
            publish();
        }
    }

    @Override
    public void onDisconnected(Throwable cause) {
        if (!away) {
            away = true;
            LOG.log(Level.WARNING, "Registry unreachable ({0}): keeping the last known {1} instance(s) of ''{2}''"
                    + " until it answers again", describe(cause), current.size(), filter.service());
        }
    }

    @Override
    public void onFailed(RegistryException failure) {
        read = false;
        if (failure instanceof RevisionCompactedException || failure instanceof ConflictException) {
            // pruned events (410), or a registry behind the last revision seen (409: it lost its data): read anew
            LOG.log(Level.INFO, "The registry cannot resume the changes of ''{0}'' after the last one seen ({1});"
                    + " reading its instances again", filter.service(), failure.getMessage());
            follow();
        } else {
            LOG.log(Level.WARNING, "The registry refused to stream the changes of ''{0}'' ({1}); keeping the last"
                    + " known {2} instance(s) and trying again in {3} s", filter.service(), failure.getMessage(),
                    current.size(), RETRY_REFUSED.toSeconds());
            CompletableFuture.delayedExecutor(RETRY_REFUSED.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> watch = client.watch(filter.watch(), this)); // read again on its connection
        }
    }

    /** Stops following the registry (for tests and shutdown); the last list stays. */
    void stop() {
        Watch running = watch;
        if (running != null) {
            running.close();
        }
    }

    /**
     * Reads the list whole: the revision the answer is at least as new as; -1 when it has none (no instance: a 404,
     * which carries no revision; or a registry that does not say); {@link #NOT_READ} when the registry did not answer.
     */
    private long readWhole() {
        List<Allocation> all;
        long revision;
        try {
            SirsiNexusClient.Snapshot snapshot = client.instancesSnapshot(filter.service());
            all = snapshot.instances();
            revision = snapshot.revision();
        } catch (NotFoundException none) {
            all = List.of();
            revision = -1;
        } catch (RegistryException e) {
            LOG.log(Level.WARNING, "Cannot read the instances of ''{0}'' ({1}); keeping the last known {2}",
                    filter.service(), e.getMessage(), current.size());
            return NOT_READ;
        }
        synchronized (instances) {
            Map<UUID, ServiceInstance> fresh = new LinkedHashMap<>();
            for (Allocation allocation : all) {
                if (filter.accepts(allocation)) {
                    ServiceInstance known = instances.get(allocation.allocationId());
                    fresh.put(allocation.allocationId(), known != null ? known : instance(allocation));
                }
            }
            instances.clear();
            instances.putAll(fresh);
            publish();
        }
        return revision;
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private void publish() {
        current = List.copyOf(instances.values());
    }

    private ServiceInstance instance(Allocation allocation) {
        long id = ids.computeIfAbsent(allocation.allocationId(), ignored -> nextId.getAndIncrement());
        Metadata<SirsiMetadataKey> metadata = Metadata.of(SirsiMetadataKey.class)
                .with(SirsiMetadataKey.META_SIRSI_ALLOCATION_ID, allocation.allocationId().toString())
                .with(SirsiMetadataKey.META_SIRSI_SERVICE_TYPE, allocation.serviceType())
                .with(SirsiMetadataKey.META_SIRSI_HOST, allocation.host())
                .with(SirsiMetadataKey.META_SIRSI_ALLOCATED_AT, allocation.allocatedAt().toString());
        Map<String, String> labels = Map.of("service-type", allocation.serviceType(), "host", allocation.host(),
                "allocation-id", allocation.allocationId().toString());
        return new DefaultServiceInstance(id, allocation.host(), allocation.port(), secure, labels, metadata);
    }
}
