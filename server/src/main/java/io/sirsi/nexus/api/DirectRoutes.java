package io.sirsi.nexus.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.sirsi.nexus.api.ratelimit.Budget;
import io.sirsi.nexus.api.ratelimit.RateLimitExceededException;
import io.sirsi.nexus.api.ratelimit.RateLimiter;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.AllocationRequest;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.RegistryException;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.wire.AllocateRequest;
import io.sirsi.nexus.wire.AllocationIds;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.sirsi.nexus.wire.ReleaseRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The hottest endpoints' everyday request ({@code POST /ports/allocate}, {@code /ports/release},
 * {@code /ports/heartbeat/{id}}, {@code GET /ports/service/{name}}, {@code GET /ports/ranges}), answered by a Vert.x
 * route of its own instead of Quarkus REST: the REST machinery around such a request (its handler chain, the
 * filters' and interceptors' contexts, the suspended request, the dynamic writer) cost about a sixth of the
 * registry's CPU per allocate and release, a fifth per heartbeat (docs/benchmarks.md, issue 23).
 *
 * <p>{@link PortsResource} stays the one definition of these endpoints: their documentation, and every answer
 * but a success or the registry's own refusal. A route here takes a request only when it is plainly well formed
 * (exact path, no query, JSON body of a known length over HTTP/1.1, the role the endpoint asks) and otherwise hands
 * it on, body
 * included, to the JAX-RS method, which answers it exactly as before: so a bad request gets the one error message it
 * always got, and a blocking, stale or per-host lookup its own handling. Once taken, a request is answered with the
 * same registry call, the same answer and the same JSON mapper as the JAX-RS method's, and a refusal of the
 * registry's with the problem {@link Problems} gives it; its budget is spent as the rate-limit filter would, and
 * {@link BlockingReads.Index} gives it {@code X-Sirsi-Index} as every answer. Nothing is handed on after the budget
 * is spent or the registry is asked, so no request is counted or carried out twice.
 * {@code sirsi.api.direct-routes=false} turns the routes off.
 */
@Singleton
public class DirectRoutes {

    /** After the filters and authentication ({@code order} up to -2), before Quarkus REST (20,500). */
    private static final int ORDER = 1;
    private static final String ALLOCATE = "/ports/allocate";
    private static final String RELEASE = "/ports/release";
    private static final String HEARTBEAT = "/ports/heartbeat/";
    private static final String SERVICE = "/ports/service/";
    private static final String RANGES = "/ports/ranges";
    /** {@code ?stale} as Consul spells it, and {@code ?stale=true}: every other query is JAX-RS's to read. */
    private static final Set<String> STALE_QUERIES = Set.of(StaleReads.PARAMETER, StaleReads.PARAMETER + "=true");
    private static final String JSON = "application/json";
    private static final String JSON_UTF8 = "application/json;charset=utf-8";
    /** Spelled as Quarkus REST spells it (Vert.x's constant is lower case): the same answer, byte for byte. */
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String ANSWER_TYPE = WrittenAnswers.TYPE.toString();

    private final PortRegistry registry;
    private final RateLimiter limiter;
    private final ProblemWriter problems;
    private final ObjectReader allocateBodies;
    private final ObjectReader releaseBodies;
    private final ObjectWriter answers;
    /** The answers to a release and a heartbeat never change: written once. */
    private final byte[] releasedJson;
    private final byte[] aliveJson;
    private final WrittenAnswers written;
    private final boolean enabled;
    private final LongAdder served = new LongAdder();

    public DirectRoutes(PortRegistry registry, RateLimiter limiter, ProblemWriter problems, ObjectMapper mapper,
            WrittenAnswers written,
            @ConfigProperty(name = "sirsi.api.direct-routes", defaultValue = "true") boolean enabled) {
        this.registry = registry;
        this.limiter = limiter;
        this.problems = problems;
        this.allocateBodies = mapper.readerFor(AllocateRequest.class);
        this.releaseBodies = mapper.readerFor(ReleaseRequest.class);
        this.answers = mapper.writer();
        this.releasedJson = json(PortsResource.RELEASED);
        this.aliveJson = json(PortsResource.ALIVE);
        this.written = written;
        this.enabled = enabled;
    }

    void register(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.post(ALLOCATE).order(ORDER).handler(context -> withBody(context, ALLOCATE, body -> {
            AllocationRequest request = allocateBodies.<AllocateRequest>readValue(body)
                    .toRegistryRequest(registry.types());
            return new Call<>(() -> registry.allocate(request),
                    (grant, response) -> json(PortsResource.allocated(registry, grant)));
        }));
        router.post(RELEASE).order(ORDER).handler(context -> withBody(context, RELEASE, body -> {
            UUID id = AllocationIds.parse(releaseBodies.<ReleaseRequest>readValue(body).allocationId());
            return new Call<>(() -> registry.release(id), (released, response) -> releasedJson);
        }));
        router.post(HEARTBEAT + ":allocation_id").order(ORDER).handler(this::heartbeat);
        router.get(SERVICE + ":service_name").order(ORDER).handler(this::lookup);
        router.get(RANGES).order(ORDER).handler(this::ranges);
    }

    /** How many requests these routes answered (for tests: that the routes are really taken). */
    long served() {
        return served.sum();
    }

    /**
     * What a route makes of a readable request: the registry call, made once its budget is spent, and how its result
     * is written, on the request's event loop (headers of its own set on the response it is given).
     */
    private record Call<T>(Supplier<CompletionStage<T>> start, BiFunction<T, HttpServerResponse, byte[]> json) {
    }

    /** What a route makes of a body; throws for anything the JAX-RS method would refuse. */
    @FunctionalInterface
    private interface BodyReader {
        Call<?> read(byte[] body) throws Exception;
    }

    private void withBody(RoutingContext context, String path, BodyReader reader) {
        HttpServerRequest request = context.request();
        if (!plain(context, Role.Names.WRITER, path.equals(request.path()))
                || !isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))
                || request.getHeader(HttpHeaders.CONTENT_LENGTH) == null
                || request.version() == HttpVersion.HTTP_2) {
            // A chunked body is BodySizeLimit's to count, and already set for JAX-RS. An HTTP/2 body is not read
            // here: Quarkus REST cannot take one that was read before it, so a refused body could not be handed on.
            context.next();
            return;
        }
        request.body().onComplete(read -> {
            if (read.failed()) {
                return; // the connection went away; there is nobody to answer
            }
            Buffer body = read.result();
            byte[] bytes = body.getBytes();
            Call<?> call;
            try {
                call = Utf8Bodies.isUtf8Text(bytes) ? reader.read(bytes) : null;
            } catch (Exception refused) {
                call = null;
            }
            if (call == null) {
                context.setBody(body);
                context.next();
                return;
            }
            answer(context, Budget.WRITES, call);
        });
        request.resume();
    }

    private void heartbeat(RoutingContext context) {
        UUID id;
        try {
            String path = context.request().path();
            boolean exactPath = path.startsWith(HEARTBEAT) && path.lastIndexOf('/') == HEARTBEAT.length() - 1;
            id = plain(context, Role.Names.WRITER, exactPath) && !HttpConformance.hasBody(context.request())
                    ? AllocationIds.parse(context.pathParam("allocation_id")) : null;
        } catch (RuntimeException refused) {
            id = null;
        }
        if (id == null) {
            context.next();
            return;
        }
        UUID allocation = id;
        answer(context, Budget.READS, new Call<>(() -> registry.heartbeat(allocation),
                (alive, response) -> aliveJson));
    }

    /**
     * {@code GET /ports/service/{name}}, with no query or with {@code ?stale} alone (the read mode clients that
     * accept a bounded lag use on replicas): no host, no blocking read.
     */
    private void lookup(RoutingContext context) {
        String path = context.request().path();
        String name = path.startsWith(SERVICE) ? path.substring(SERVICE.length()) : "";
        String query = context.request().query();
        boolean stale = query != null && STALE_QUERIES.contains(query);
        if (!plain(context, Role.Names.READER, ServiceNames.isValid(name), stale)) {
            context.next();
            return;
        }
        if (stale) {
            answer(context, Budget.READS, new Call<>(() -> CompletableFuture.completedStage(
                    registry.instancesStale(name)), (read, response) -> {
                StaleReads.headers(read, response::putHeader); // first: a 404 needs them most (not yet seen?)
                return PortsResource.serviceAnswer(registry, written, name, null, read.answer(), response::putHeader);
            }));
            return;
        }
        answer(context, Budget.READS, new Call<>(() -> registry.instances(name), (instances, response) ->
                PortsResource.serviceAnswer(registry, written, name, null, instances, response::putHeader)));
    }

    /** {@code GET /ports/ranges} without a query: the registry's own host. */
    private void ranges(RoutingContext context) {
        if (!plain(context, Role.Names.READER, RANGES.equals(context.request().path()))) {
            context.next();
            return;
        }
        String host = registry.host(Optional.empty());
        answer(context, Budget.READS, new Call<>(() -> registry.rangeUsage(host),
                (usages, response) -> PortsResource.rangesAnswer(registry, written, host, usages)));
    }

    private byte[] json(Object answer) {
        try {
            return answers.writeValueAsBytes(answer);
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible); // records of strings, numbers and times
        }
    }

    /**
     * The path as written in the route (no trailing slash, no encoding), no query (each is checked by name in
     * JAX-RS), no {@code Expect}, and an identity that holds the endpoint's role (else JAX-RS says 401 or 403).
     */
    private static boolean plain(RoutingContext context, String role, boolean exactPath) {
        return plain(context, role, exactPath, false);
    }

    /** The same, a query allowed when {@code knownQuery} (the route has recognised it). */
    private static boolean plain(RoutingContext context, String role, boolean exactPath, boolean knownQuery) {
        HttpServerRequest request = context.request();
        if (!exactPath || (request.query() != null && !knownQuery) || request.getHeader(HttpHeaders.EXPECT) != null) {
            return false;
        }
        SecurityIdentity identity = context.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        return identity != null && identity.hasRole(role);
    }

    /** What {@link MediaTypes#requireJson} accepts, as its Vert.x filter has tidied it: the common spellings. */
    private static boolean isJson(String type) {
        return type != null && (type.equalsIgnoreCase(JSON) || type.equalsIgnoreCase(JSON_UTF8));
    }

    private <T> void answer(RoutingContext context, Budget budget, Call<T> call) {
        served.increment();
        try {
            spend(context, budget);
        } catch (RateLimitExceededException tooMany) {
            context.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(tooMany.retryAfterSeconds()));
            problems.send(context, tooMany.problem());
            return;
        }
        CompletionStage<T> result;
        try {
            result = call.start().get();
        } catch (RuntimeException failure) {
            fail(context, failure);
            return;
        }
        // A change completes on the store writer, whose time is the registry's throughput: the answer is written on
        // the request's event loop instead. A read that completed at once is written where it is.
        Context loop = Vertx.currentContext();
        result.whenComplete((value, failure) -> {
            if (Vertx.currentContext() == loop) {
                respond(context, call, value, failure);
            } else {
                loop.runOnContext(ignored -> respond(context, call, value, failure));
            }
        });
    }

    private <T> void respond(RoutingContext context, Call<T> call, T value, Throwable failure) {
        if (failure != null) {
            fail(context, failure);
            return;
        }
        byte[] json;
        try {
            json = call.json().apply(value, context.response());
        } catch (RuntimeException refused) {
            fail(context, refused); // a lookup of a service that has no instance: the registry's 404
            return;
        }
        context.response().putHeader(CONTENT_TYPE, ANSWER_TYPE).end(Buffer.buffer(json));
    }

    /** As the rate-limit filter does ({@link RateLimiter#admit(SecurityIdentity, HttpServerRequest, Budget)}). */
    private void spend(RoutingContext context, Budget budget) {
        limiter.admit(((QuarkusHttpUser) context.user()).getSecurityIdentity(), context.request(), budget);
    }

    private void fail(RoutingContext context, Throwable failure) {
        Throwable cause = Problems.unwrap(failure);
        Problem problem = cause instanceof RegistryException refused ? Problems.of(refused)
                : Problems.incident(cause);
        if (!context.response().ended()) {
            problems.send(context, problem);
        }
    }
}
