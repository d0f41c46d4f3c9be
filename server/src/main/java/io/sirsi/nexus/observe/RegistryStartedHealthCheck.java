package io.sirsi.nexus.observe;

import io.sirsi.nexus.registry.PortRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once every stored allocation is loaded, so no port is handed out before the registry knows them all. */
@Startup
@ApplicationScoped
public class RegistryStartedHealthCheck implements HealthCheck {

    private final PortRegistry registry;

    public RegistryStartedHealthCheck(PortRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("registry-loaded").status(registry.isOpen()).build();
    }
}
