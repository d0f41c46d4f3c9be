package io.sirsi.nexus.registry;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.InstantSource;

/** The registry's clock: the system's, unless a test puts one of its own in its place. */
@ApplicationScoped
public class Clocks {

    @Produces
    @DefaultBean
    @ApplicationScoped
    InstantSource clock() {
        return InstantSource.system();
    }
}
