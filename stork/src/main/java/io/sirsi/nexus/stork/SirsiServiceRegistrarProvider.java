package io.sirsi.nexus.stork;

import io.sirsi.nexus.client.SirsiNexusClient;
import io.smallrye.stork.api.ServiceRegistrar;
import io.smallrye.stork.api.config.ServiceRegistrarAttribute;
import io.smallrye.stork.api.config.ServiceRegistrarType;
import io.smallrye.stork.spi.ServiceRegistrarProvider;
import io.smallrye.stork.spi.StorkInfrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * SmallRye Stork service registrar of type {@code sirsi}: registers the application's own host and port in the
 * registry with a {@link io.sirsi.nexus.client.Lease} (allocated when registered, heartbeating, released when
 * deregistered). Quarkus 3.33 registers by itself only with the registrars it knows (consul, eureka, static); with
 * this one the application calls {@code Stork.getInstance().getService(name).registerInstance(name, host, port)} at
 * start-up and {@code deregisterServiceInstance(name)} at shutdown. Configured so:
 *
 * <pre>
 * quarkus.stork.front.service-registrar.type=sirsi
 * quarkus.stork.front.service-registrar.registry-urls=http://registry:8080
 * quarkus.stork.front.service-registrar.service-type=rest-api
 * </pre>
 */
@ServiceRegistrarType(value = "sirsi", metadataKey = SirsiMetadataKey.class)
@ServiceRegistrarAttribute(name = "registry-urls", required = true,
        description = "The registry's base URL, or several (one per replica) separated by commas")
@ServiceRegistrarAttribute(name = "api-key", description = "An API key with the writer role, if the registry has keys")
@ServiceRegistrarAttribute(name = "ca-file",
        description = "A PEM file of the CA certificates to trust for https registry URLs (a private CA)")
@ServiceRegistrarAttribute(name = "service-type", defaultValue = "rest-api",
        description = "The service type to register as; the port must be in its range")
@ServiceRegistrarAttribute(name = "registry-service",
        description = "The service's name in the registry; default: the Stork service's name")
@ServiceRegistrarAttribute(name = "host",
        description = "The registry host to register on; default: the address Quarkus gives, unless a wildcard, then"
                + " the registry's own host")
@ApplicationScoped
public class SirsiServiceRegistrarProvider
        implements ServiceRegistrarProvider<SirsiRegistrarConfiguration, SirsiMetadataKey> {

    @Override
    public ServiceRegistrar<SirsiMetadataKey> createServiceRegistrar(SirsiRegistrarConfiguration config,
            String serviceName, StorkInfrastructure infrastructure) {
        SirsiNexusClient client = RegistryConnection.client(config.getRegistryUrls(), config.getApiKey(),
                config.getCaFile());
        return new SirsiServiceRegistrar(client, RegistryConnection.blankToNull(config.getRegistryService()),
                config.getServiceType(), RegistryConnection.blankToNull(config.getHost()));
    }
}
