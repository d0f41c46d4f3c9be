package io.sirsi.nexus.api;

import io.sirsi.nexus.registry.PortRegistry;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Consul-style blocking reads. Every answer under {@code /ports} carries {@code X-Sirsi-Index}: the change-log
 * revision read before the answer was, so the answer is at least that new (never older: a client that waits for a
 * later revision cannot miss a change). {@code ?index=N&wait=30s} on the endpoints marked {@link BlockingRead}
 * holds the request until the revision passes N or the wait ends (at most {@link #MAX_WAIT}), then answers as
 * usual; a client loops on it to follow changes without a stream.
 */
public final class BlockingReads {

    public static final String HEADER = "X-Sirsi-Index";
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final List<String> WAIT_UNITS = List.of("ms", "s", "m");
    private static final String REVISION = BlockingReads.class.getName() + ".revision";

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

        public Wait(PortRegistry registry) {
            this.registry = registry;
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
            reactive.suspend();
            registry.awaitRevisionAfter(after, duration).whenComplete((revision, failure) -> {
                if (failure != null) {
                    reactive.resume(failure);
                } else {
                    context.setProperty(REVISION, registry.revision());
                    reactive.resume();
                }
            });
        }
    }

    /** Notes the revision before the endpoint reads, and sends it back. */
    @Provider
    @Revisioned
    @Priority(Priorities.USER + 200)
    public static class Index implements ContainerRequestFilter, ContainerResponseFilter {

        private final PortRegistry registry;

        public Index(PortRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (request.getProperty(REVISION) == null && registry.isOpen()) {
                request.setProperty(REVISION, registry.revision());
            }
        }

        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            Object revision = request.getProperty(REVISION);
            if (revision != null) {
                response.getHeaders().putSingle(HEADER, revision.toString());
            }
        }
    }
}
