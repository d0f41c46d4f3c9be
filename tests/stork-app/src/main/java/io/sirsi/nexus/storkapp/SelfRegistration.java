package io.sirsi.nexus.storkapp;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.stork.Stork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Registers this application as {@code front} with its Stork registrar at start-up and releases it at shutdown.
 * Quarkus 3.33 does this by itself only for the registrars it knows (consul, eureka, static), so a service using the
 * {@code sirsi} registrar calls it, as here.
 */
@ApplicationScoped
public class SelfRegistration {

    static final String SERVICE = "front";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    void register(@Observes StartupEvent started) {
        var config = ConfigProvider.getConfig();
        int port = config.getValue(LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port"
                : "quarkus.http.port", Integer.class);
        String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        Stork.getInstance().getService(SERVICE).registerInstance(SERVICE, host, port).await().atMost(PATIENCE);
    }

    void release(@Observes ShutdownEvent stopping) {
        Stork.getInstance().getService(SERVICE).deregisterServiceInstance(SERVICE).await().atMost(PATIENCE);
    }
}
