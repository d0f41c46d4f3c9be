package io.sirsi.nexus.stork;

import io.sirsi.nexus.client.SirsiNexusClient;
import io.smallrye.stork.api.ServiceDiscovery;
import io.smallrye.stork.api.config.ServiceConfig;
import io.smallrye.stork.api.config.ServiceDiscoveryAttribute;
import io.smallrye.stork.api.config.ServiceDiscoveryType;
import io.smallrye.stork.spi.ServiceDiscoveryProvider;
import io.smallrye.stork.spi.StorkInfrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * SmallRye Stork service discovery of type {@code sirsi}: a service's instances as the sirsi-nexus registry holds
 * them, kept current by the registry's change stream rather than by polling. Stork's annotation processor generates
 * {@code SirsiConfiguration} and the provider's loader from the attributes below.
 *
 * <pre>
 * quarkus.stork.orders.service-discovery.type=sirsi
 * quarkus.stork.orders.service-discovery.registry-urls=http://registry-a:8080,http://registry-b:8080
 * </pre>
 */
@ServiceDiscoveryType("sirsi")
@ServiceDiscoveryAttribute(name = "registry-urls", required = true,
        description = "The registry's base URL, or several (one per replica) separated by commas")
@ServiceDiscoveryAttribute(name = "api-key", description = "An API key with the reader role, if the registry has keys")
@ServiceDiscoveryAttribute(name = "ca-file",
        description = "A PEM file of the CA certificates to trust for https registry URLs (a private CA)")
@ServiceDiscoveryAttribute(name = "registry-service",
        description = "The service's name in the registry; default: the Stork service's name")
@ServiceDiscoveryAttribute(name = "host", description = "Only instances on this host")
@ServiceDiscoveryAttribute(name = "service-type", description = "Only instances of this service type")
@ServiceDiscoveryAttribute(name = "secure", defaultValue = "false",
        description = "Whether the instances speak TLS (https)")
@ApplicationScoped
public class SirsiServiceDiscoveryProvider implements ServiceDiscoveryProvider<SirsiConfiguration> {

    @Override
    public ServiceDiscovery createServiceDiscovery(SirsiConfiguration config, String serviceName,
            ServiceConfig serviceConfig, StorkInfrastructure infrastructure) {
        SirsiNexusClient client = RegistryConnection.client(config.getRegistryUrls(), config.getApiKey(),
                config.getCaFile());
        String name = RegistryConnection.blankToNull(config.getRegistryService());
        InstanceFilter filter = new InstanceFilter(name != null ? name : serviceName,
                RegistryConnection.blankToNull(config.getHost()),
                RegistryConnection.blankToNull(config.getServiceType()));
        return new SirsiServiceDiscovery(client, filter, Boolean.parseBoolean(config.getSecure())).start();
    }
}
