package io.sirsi.nexus.dns;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.PortRegistry;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The zone as the registry's index holds it, on this replica: as fresh as every other read of it, and read
 * without blocking the event loop that answers.
 */
@Singleton
class RegistryDirectory implements DnsDirectory {

    private final PortRegistry registry;

    RegistryDirectory(PortRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletionStage<Void> fresh() {
        return registry.fresh();
    }

    @Override
    public CompletionStage<List<Allocation>> instances(String serviceName) {
        return registry.offeredInstances(serviceName);
    }

    @Override
    public CompletionStage<Boolean> offersServiceBelow(String suffix, Optional<String> host) {
        return registry.offersServiceBelow(suffix, host);
    }

    @Override
    public CompletionStage<List<Allocation>> instancesOfType(String typeName) {
        return registry.types().find(typeName).map(registry::offeredOfType)
                .orElseGet(() -> CompletableFuture.completedFuture(List.of()));
    }

    @Override
    public List<String> hosts() {
        return registry.knownHosts();
    }

    @Override
    public List<String> reportedAddresses(String host) {
        return registry.reportedAddresses().of(host);
    }

    @Override
    public Collection<String> reportingHosts() {
        return registry.reportedAddresses().hosts();
    }

    @Override
    public long addressesVersion() {
        return registry.reportedAddresses().version();
    }

    @Override
    public long revision() {
        return registry.revision();
    }
}
