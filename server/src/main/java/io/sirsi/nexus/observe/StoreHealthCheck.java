package io.sirsi.nexus.observe;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the store answers: without it no allocation can be acknowledged. The store's location (a file's path,
 * or a JDBC URL naming the database's host) is shown only to a client that holds a role (a key, or a local client
 * of a registry without keys): health probes are open to anyone, and an anonymous one learns only up or down.
 */
@Readiness
@ApplicationScoped
public class StoreHealthCheck implements HealthCheck {

    private final PortRegistry registry;
    private final CurrentIdentityAssociation identity;

    public StoreHealthCheck(PortRegistry registry, CurrentIdentityAssociation identity) {
        this.registry = registry;
        this.identity = identity;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("allocation-store");
        if (callerHoldsARole()) {
            response.withData("location", registry.storeLocation());
        }
        try {
            registry.checkStore();
            return response.up().build();
        } catch (StoreUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }

    private boolean callerHoldsARole() {
        try {
            SecurityIdentity caller = identity.getIdentity();
            return caller != null && !caller.isAnonymous() && !caller.getRoles().isEmpty();
        } catch (ContextNotActiveException noRequest) {
            return false; // called outside a request: nobody to show it to
        }
    }
}
