package io.sirsi.nexus.api;

import io.sirsi.nexus.registry.PortRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Consul-style blocking reads. Every answer under {@code /ports} carries {@code X-Sirsi-Index} ({@link Index}):
 * the change-log revision read before the answer was, so the answer is at least that new (never older: a client
 * that waits for a later revision cannot miss a change). {@code ?index=N&wait=30s} on the endpoints marked
 * {@link BlockingRead} holds the request until the revision passes N or the wait ends (at most
 * {@link #MAX_WAIT}), then answers as usual; a client loops on it to follow changes without a stream.
 */
public final class BlockingReads {

    public static final String HEADER = "X-Sirsi-Index";
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final List<String> WAIT_UNITS = List.of("ms", "s", "m");

    private BlockingReads() {
    }

    /** Parses {@code 100ms}, {@code 30s}, {@code 5m}: Consul's spellings. */
    static Duration parseWait(String text) {
        return QueryParameters.duration("wait", text, WAIT_UNITS, Duration.ZERO, MAX_WAIT,
                "a duration such as 30s, 500ms or 5m (ms, s or m), at most 5m");
    }

    /** Holds a request that asks for a revision after the current one. */
    @Provider
    @BlockingRead
    @Priority(Priorities.USER + 100) // after the rate limits: a refused client waits for nothing
    public static class Wait implements ContainerRequestFilter {

        private final PortRegistry registry;
        private final HttpServerRequest http;

        public Wait(PortRegistry registry, HttpServerRequest http) {
            this.registry = registry;
            this.http = http;
        }

        @Override
        public void filter(ContainerRequestContext context) {
            var query = context.getUriInfo().getQueryParameters();
            Optional<String> wait = Optional.ofNullable(query.getFirst("wait"));
            Duration duration = wait.map(BlockingReads::parseWait).orElse(MAX_WAIT);
            String index = query.getFirst("index");
            if (index == null) {
                return;
            }
            long after = QueryParameters.revision("index", index);
            var reactive = (ResteasyReactiveContainerRequestContext) context;
            // taken here: the request's scope, which the injected request needs, is not active where the wait ends
            HttpServerResponse response = http.response();
            reactive.suspend();
            registry.awaitRevisionAfter(after, duration).whenComplete((revision, failure) -> {
                if (failure != null) {
                    reactive.resume(failure);
                } else {
                    // the answer is read after the wait: at least this new (replacing the one Index set)
                    response.putHeader(HEADER, Long.toString(registry.revision()));
                    reactive.resume();
                }
            });
        }
    }

    /**
     * Notes the revision as a {@code /ports} request arrives, before anything reads for it, and sends it back on
     * every answer: the endpoints', a refusal of a filter before them (a query-parameter rule, a rate limit, a
     * media type), the registry's direct routes and the event stream, whose headers no JAX-RS response filter
     * sees. One route for all of them, so that no endpoint can be left out; a blocking read that waited replaces it
     * with the revision it waited for. Set as the request arrives rather than as the headers are written: a hook on
     * every answer cost heartbeats 5 % of their CPU (docs/benchmarks.md), and the revision is no secret a refusal
     * must keep (a 401 carries it as a 200 does).
     */
    @Singleton
    public static class Index {

        private static final String PORTS = "/ports";

        private final PortRegistry registry;

        public Index(PortRegistry registry) {
            this.registry = registry;
        }

        /** Beside {@link RequestMetrics}' first route: before any route that may refuse the request. */
        void register(@Observes @Priority(RequestMetrics.ROUTE_PRIORITY) Router router) {
            router.route().order(Integer.MIN_VALUE).handler(this::note);
        }

        private void note(RoutingContext context) {
            String path = context.normalizedPath();
            if (registry.isOpen() && path.startsWith(PORTS)
                    && (path.length() == PORTS.length() || path.charAt(PORTS.length()) == '/')) {
                context.response().putHeader(HEADER, Long.toString(registry.revision()));
            }
            context.next();
        }
    }
}
