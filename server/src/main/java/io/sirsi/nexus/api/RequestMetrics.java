package io.sirsi.nexus.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.sirsi.nexus.api.security.RefusedRequests;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * {@code http_server_requests_seconds{method,uri,status,outcome}}, the HTTP server's requests by endpoint as
 * Quarkus's Micrometer binder names them (count, sum and max), and {@code http_server_active_requests}: measured here,
 * by the router's first route, instead of by that binder, which cost about 3 % of the registry's CPU a registration
 * (docs/benchmarks.md, issue 23): for every request it normalised the path through up to six regular expressions
 * and updated two byte summaries besides the timer. Here the template is the endpoint's, found by {@link #template}
 * from the table below; a path no endpoint has is counted as {@code NOT_FOUND} (a 404), {@code REDIRECTION} (a 3xx)
 * or {@code UNKNOWN}, never as itself, and a method that is not HTTP's as {@code UNKNOWN}, so that no client can make
 * a series per path or method it invents. Management endpoints ({@code /q/...}) are not counted, as the binder did
 * not. A request is active from its first route to the end of its answer or its connection; a watch stream
 * ({@code /ports/events}) is active for as long as it is open, and counted, for its whole life, only if the server
 * ends it.
 */
@ApplicationScoped
public class RequestMetrics {

    /** Orders this route's registration before {@link HttpConformance}'s, of the same order: its refusals count. */
    static final int ROUTE_PRIORITY = 1;

    static final String REQUESTS = "http.server.requests";
    static final String ACTIVE = "http.server.active.requests";
    /** For a path of no endpoint; names as the binder spelled them. */
    static final String NOT_FOUND = "NOT_FOUND";
    static final String REDIRECTION = "REDIRECTION";
    static final String UNKNOWN = "UNKNOWN";
    /** The dashboard's files, one series for them all. */
    static final String DASHBOARD_FILE = "/ui/{file}";
    private static final String MANAGEMENT = "/q/";
    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.TRACE,
            HttpMethod.CONNECT);

    /**
     * Every endpoint's path as its resource declares it (JAX-RS {@code @Path}, class and method joined), and the
     * dashboard's redirects; {@code RequestMetricsTest} checks the table against the resources' annotations.
     */
    static final List<String> TEMPLATES = List.of("/", "/ui", "/ports/allocate", "/ports/release",
            "/ports/heartbeat/{allocation_id}", "/ports/service/{service_name}", "/ports/instances/{service_name}",
            "/ports/port/{port}", "/ports/type/{service_type}", "/ports/allocations", "/ports/directory",
            "/ports/ranges", "/ports/hosts", "/ports/health", "/ports/overview", "/ports/stats", "/ports/scale",
            "/ports/cleanup", "/ports/analytics", "/ports/events", "/ports/history", "/ports/drain", "/ports/undrain",
            "/ports/hosts/{host}", "/ports/hosts/{host}/report", "/ports/sd/prometheus");

    /** Templates without a variable: the path is the template. */
    private static final Set<String> EXACT = TEMPLATES.stream().filter(path -> !path.contains("{"))
            .collect(Collectors.toUnmodifiableSet());
    /** Templates with one {@code {name}} segment, split around it. */
    private static final List<Templated> TEMPLATED = TEMPLATES.stream().filter(path -> path.contains("{"))
            .map(Templated::of).toList();

    private final MeterRegistry meters;
    private final RefusedRequests refused;
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();
    private final AtomicLong active = new AtomicLong();

    public RequestMetrics(MeterRegistry meters, RefusedRequests refused) {
        this.meters = meters;
        this.refused = refused;
        Gauge.builder(ACTIVE, active, AtomicLong::get).description("HTTP requests received and not yet answered")
                .register(meters);
    }

    /** Before every other route. */
    void register(@Observes @Priority(ROUTE_PRIORITY) Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::begin);
    }

    /**
     * Also hands every answer's status to {@link RefusedRequests}, management ones included (a metrics scrape
     * without a key is a 401 to log): one end handler a request serves both.
     */
    private void begin(RoutingContext context) {
        String path = context.normalizedPath();
        if (!path.startsWith(MANAGEMENT)) {
            long started = System.nanoTime();
            active.incrementAndGet();
            context.addEndHandler(ended -> {
                active.decrementAndGet();
                if (ended.succeeded()) { // not a connection closed before the answer: it has no status
                    int status = context.response().getStatusCode();
                    record(context, path, status, System.nanoTime() - started);
                    refused.answered(context, status);
                }
            });
        } else {
            context.addEndHandler(ended -> {
                if (ended.succeeded()) {
                    refused.answered(context, context.response().getStatusCode());
                }
            });
        }
        context.next();
    }

    private void record(RoutingContext context, String path, int status, long nanos) {
        Series series = new Series(method(context.request().method()), uri(path, status), status);
        timers.computeIfAbsent(series, this::timer).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(Series series) {
        return Timer.builder(REQUESTS).description("HTTP requests answered, by endpoint, method and status")
                .tag("method", series.method).tag("uri", series.uri).tag("status", Integer.toString(series.status))
                .tag("outcome", Outcome.forStatus(series.status).name()).register(meters);
    }

    /** A method of HTTP's, or {@code UNKNOWN}: Vert.x makes a method of any token a client sends. */
    static String method(HttpMethod method) {
        return METHODS.contains(method) ? method.name() : UNKNOWN;
    }

    /**
     * The series a request to this path counts in: its endpoint's template (a trailing slash, which Vert.x's path
     * routes take as well, left out), or what its status says.
     */
    static String uri(String path, int status) {
        String template = template(path.length() > 1 && path.endsWith("/")
                ? path.substring(0, path.length() - 1) : path);
        if (template != null) {
            return template;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 300 && status < 400) {
            return REDIRECTION;
        }
        return path.startsWith("/ui/") && status < 400 ? DASHBOARD_FILE : UNKNOWN;
    }

    /** The template of the endpoint this path names, or null when none does. */
    static String template(String path) {
        if (EXACT.contains(path)) {
            return path;
        }
        for (Templated templated : TEMPLATED) {
            if (templated.matches(path)) {
                return templated.template;
            }
        }
        return null;
    }

    private record Series(String method, String uri, int status) {
    }

    /** A template of one variable segment: the path before it and after it. */
    private record Templated(String template, String before, String after) {

        static Templated of(String template) {
            return new Templated(template, template.substring(0, template.indexOf('{')),
                    template.substring(template.indexOf('}') + 1));
        }

        /** The path is {@code before}, one non-empty segment, then {@code after}. */
        boolean matches(String path) {
            int end = path.length() - after.length();
            return end > before.length() && path.startsWith(before) && path.endsWith(after)
                    && path.indexOf('/', before.length()) == (after.isEmpty() ? -1 : end);
        }
    }
}
