package io.sirsi.nexus.observe;

import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the store answers: without it no allocation can be acknowledged. */
@Readiness
@ApplicationScoped
public class StoreHealthCheck implements HealthCheck {

    private final PortRegistry registry;

    public StoreHealthCheck(PortRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("allocation-store").withData("location", registry.storeLocation());
        try {
            registry.checkStore();
            return response.up().build();
        } catch (StoreUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
