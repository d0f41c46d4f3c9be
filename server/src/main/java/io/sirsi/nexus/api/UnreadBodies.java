package io.sirsi.nexus.api;

import io.sirsi.nexus.api.security.RequestBodies;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request with a body for an endpoint that reads none ({@code POST /ports/cleanup},
 * {@code POST /ports/heartbeat/{id}}) is a 400: Quarkus REST would drop the body unread, and a client that thinks
 * it sends options ({@code {"force": true}}) would never learn that they did nothing. An empty body, with or
 * without a type (REST clients and {@code curl -d ''} send one), is no body.
 */
public class UnreadBodies {

    /** Types JAX-RS hands an endpoint without an annotation that are not its body. */
    private static final Set<Class<?>> CONTEXT_TYPES = Set.of(UriInfo.class, HttpServerRequest.class,
            SseEventSink.class, Sse.class);

    /**
     * Per endpoint method: empty when it reads a body, else the query parameters it takes. Endpoints are few and
     * fixed, so this stays small.
     */
    private final Map<Method, Optional<List<String>>> bodiless = new ConcurrentHashMap<>();

    /**
     * POSTs only (what a GET's body would mean is for no one to say, RFC 9110), and only those whose headers
     * announce a body: a heartbeat without one pays nothing.
     */
    @ServerRequestFilter
    public void refuseUnreadBody(ResourceInfo resource, HttpServerRequest http) {
        Method method = resource.getResourceMethod();
        if (method == null || http.method() != HttpMethod.POST || !RequestBodies.announced(http)) {
            return;
        }
        Optional<List<String>> bodilessOptions = bodiless.computeIfAbsent(method,
                UnreadBodies::queryParametersIfBodiless);
        if (bodilessOptions.isEmpty()) {
            return;
        }
        List<String> options = bodilessOptions.get();
        String path = http.path().length() <= 100 ? http.path() : http.path().substring(0, 100) + "…";
        throw new BadRequestException(http.method() + " " + path + " takes no body, and would ignore this one:"
                + " send the request without it" + (options.isEmpty() ? ""
                        : " (its options are query parameters: ?" + String.join("=…&", options) + "=…)"));
    }

    /** The method's query parameters, or empty when one of its parameters is the body (the one not annotated). */
    private static Optional<List<String>> queryParametersIfBodiless(Method method) {
        for (Parameter parameter : method.getParameters()) {
            if (parameter.getAnnotations().length == 0 && !CONTEXT_TYPES.contains(parameter.getType())) {
                return Optional.empty();
            }
        }
        return Optional.of(Arrays.stream(method.getParameters()).filter(parameter -> parameter.isAnnotationPresent(
                QueryParam.class)).map(parameter -> parameter.getAnnotation(QueryParam.class).value()).toList());
    }
}
