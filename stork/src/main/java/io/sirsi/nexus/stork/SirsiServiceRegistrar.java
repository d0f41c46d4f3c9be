package io.sirsi.nexus.stork;

import io.sirsi.nexus.client.AllocationRequest;
import io.sirsi.nexus.client.Lease;
import io.sirsi.nexus.client.SirsiNexusClient;
import io.smallrye.mutiny.Uni;
import io.smallrye.stork.api.Metadata;
import io.smallrye.stork.api.ServiceRegistrar;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers a service's own port with a {@link Lease}, which heartbeats until {@link #deregisterServiceInstance}
 * closes it (releasing the port). The port is the one the application listens on, so the allocation requires it. An
 * operator's drain is respected: when it ends, the registry releases the port and the service stays unregistered.
 */
final class SirsiServiceRegistrar implements ServiceRegistrar<SirsiMetadataKey> {

    private static final System.Logger LOG = System.getLogger(SirsiServiceRegistrar.class.getName());
    /** Addresses that say "every interface": no host to register. */
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");

    private final SirsiNexusClient client;
    private final String registryService;
    private final String serviceType;
    private final String host;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();

    SirsiServiceRegistrar(SirsiNexusClient client, String registryService, String serviceType, String host) {
        this.client = client;
        this.registryService = registryService;
        this.serviceType = serviceType;
        this.host = host;
    }

    @Override
    public Uni<Void> registerServiceInstance(String serviceName, Metadata<SirsiMetadataKey> metadata,
            String ipAddress, int port) {
        return Uni.createFrom().item(() -> {
            String on = host != null ? host : ipAddress == null || WILDCARDS.contains(ipAddress) ? null : ipAddress;
            AllocationRequest request = AllocationRequest.of(registryService != null ? registryService : serviceName,
                    serviceType).withPreferredPort(port).withRequired(true)
                    .withProcessId(ProcessHandle.current().pid());
            Lease lease = client.lease(on == null ? request : request.withHost(on));
            Lease earlier = leases.put(serviceName, lease);
            if (earlier != null && !earlier.allocationId().equals(lease.allocationId())) {
                earlier.close();
            }
            lease.drainEnded().thenAccept(released -> {
                leases.remove(serviceName, lease);
                LOG.log(Level.WARNING, "''{0}'' was drained and its drain has ended: it is no longer registered (port"
                        + " {1}); register it again to take new work", request.serviceName(),
                        String.valueOf(released.port()));
            });
            LOG.log(Level.INFO, "Registered ''{0}'' in the registry: port {1} on {2} (allocation {3})",
                    request.serviceName(), String.valueOf(lease.port()), lease.allocation().host(),
                    lease.allocationId());
            return null;
        });
    }

    @Override
    public Uni<Void> deregisterServiceInstance(String serviceName) {
        return Uni.createFrom().item(() -> {
            Lease lease = leases.remove(serviceName);
            if (lease != null) {
                lease.close();
                LOG.log(Level.INFO, "Released ''{0}'' in the registry (port {1})", serviceName,
                        String.valueOf(lease.port()));
            }
            return null;
        });
    }
}
