package io.sirsi.nexus.api;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether the HTTP and HTTPS ports can be listened on, looked at before the store opens: Quarkus binds them only
 * after every start-up observer, the store's opening among them, so a port another process holds refused the start
 * only once the database had been created or migrated. The ports are bound and let go at once; Vert.x binds them
 * again moments later (a process that takes one meanwhile is still refused there, in the same words:
 * {@code cli/StartRefusalLog}).
 */
@ApplicationScoped
public class HttpPortCheck {

    private final String host;
    private final int port;
    private final int sslPort;
    private final boolean plainDisabled;
    private final boolean tls;

    HttpPortCheck(@ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String host,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port,
            @ConfigProperty(name = "quarkus.http.ssl-port", defaultValue = "8443") int sslPort,
            @ConfigProperty(name = "quarkus.http.insecure-requests", defaultValue = "enabled") String insecure,
            @ConfigProperty(name = "quarkus.http.ssl.certificate.files") Optional<List<String>> certificates,
            @ConfigProperty(name = "quarkus.http.ssl.certificate.key-store-file") Optional<String> keyStore) {
        this.host = host;
        this.port = port;
        this.sslPort = sslPort;
        this.plainDisabled = "disabled".equalsIgnoreCase(insecure.strip());
        this.tls = certificates.isPresent() || keyStore.isPresent();
    }

    void check(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY - 100) StartupEvent event) {
        // Tests and dev mode listen on quarkus.http.test-port and the like, not on these keys' ports.
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        if (!plainDisabled) {
            free("quarkus.http.port", port);
        }
        if (tls) {
            free("quarkus.http.ssl-port", sslPort);
        }
    }

    private void free(String key, int wanted) {
        if (wanted == 0) {
            return; // any free port
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Vert.x binds: a port whose last connections linger is free
            probe.bind(new InetSocketAddress(host, wanted));
        } catch (IOException taken) {
            // worded as cli/StartRefusalLog words the same refusal when Vert.x meets it
            throw new IllegalStateException(key + ": port " + wanted + " is in use by another process (cannot listen"
                    + " on " + host + ":" + wanted + ": " + taken.getMessage() + "); stop it or choose another port");
        }
    }
}
