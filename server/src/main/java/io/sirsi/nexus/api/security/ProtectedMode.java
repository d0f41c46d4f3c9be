package io.sirsi.nexus.api.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Like Redis's protected mode: a registry without API keys answers only clients on this machine, so that starting
 * it locally is easy and never opens it to the network by accident. Remote clients get a 403 that says how to
 * configure keys; health probes stay open so that Kubernetes can still probe a keyless registry.
 */
@ApplicationScoped
public class ProtectedMode {

    /** Before CORS and authentication: a remote client is refused before anything else looks at its request. */
    static final int PRIORITY = SecurityHandlerPriorities.CORS + 100;
    private static final String HEALTH = "/q/health";

    private final ApiKeys keys;
    private final ProblemWriter writer;

    public ProtectedMode(ApiKeys keys, ProblemWriter writer) {
        this.keys = keys;
        this.writer = writer;
    }

    void register(@Observes Filters filters) {
        filters.register(this::admit, PRIORITY);
    }

    private void admit(RoutingContext context) {
        if (keys.configured() || Clients.isLoopback(context.request()) || isHealthProbe(context)) {
            context.next();
            return;
        }
        writer.send(context, Problem.of("protected-mode", "Protected mode", 403, "this registry has no API keys "
                + "configured, so it answers only clients on its own machine (loopback), not "
                + Clients.address(context.request()) + ". To serve the network, configure at least one key: "
                + "sirsi.auth.keys.<name>=<role>:<sha256-hex of the key> (environment variable "
                + "SIRSI_AUTH_KEYS_<NAME>), with role metrics, reader, writer or admin; see the README's Security"
                + " section. "
                + "Health probes under " + HEALTH + " stay open."));
    }

    /** The normalised path, so that {@code /q/health/../../ports} is not mistaken for a probe. */
    static boolean isHealthProbe(RoutingContext context) {
        String path = context.normalizedPath();
        return path.equals(HEALTH) || path.startsWith(HEALTH + "/");
    }
}
