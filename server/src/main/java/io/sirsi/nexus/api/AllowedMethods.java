package io.sirsi.nexus.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Which methods each path of the API answers, read once from the resources' own annotations, so it cannot drift
 * from them. Quarkus REST answers {@code OPTIONS} with every method of every endpoint under the same class path
 * ({@code POST} on {@code /ports/stats}) and a 405 without {@code Allow}; RFC 9110 (15.5.6) requires a 405 to carry
 * it. Every answer to {@code OPTIONS} and every 405 under the API gets the path's own list here. {@code GET} implies
 * {@code HEAD}; every path answers {@code OPTIONS}.
 */
@Singleton
@RegisterForReflection(targets = {PortsResource.class, AnalyticsResource.class, ChangeLogResource.class,
        PrometheusSdResource.class, DrainResource.class, HostAgentsResource.class})
public class AllowedMethods {

    /** Every resource class of the API; {@code AllowedMethodsTest} checks that none is missing. */
    static final List<Class<?>> RESOURCES = List.of(PortsResource.class, AnalyticsResource.class,
            ChangeLogResource.class, PrometheusSdResource.class, DrainResource.class, HostAgentsResource.class);

    /** A path of the API, its segments ({@code {name}} for a parameter), and the methods it answers. */
    private record Endpoint(List<String> segments, String method) {

        boolean matches(List<String> path) {
            if (path.size() != segments.size()) {
                return false;
            }
            for (int i = 0; i < path.size(); i++) {
                boolean parameter = segments.get(i).startsWith("{");
                if (!(parameter ? !path.get(i).isEmpty() : segments.get(i).equals(path.get(i)))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Endpoint> endpoints = new ArrayList<>();

    public AllowedMethods() {
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getMethods()) {
                Path path = method.getAnnotation(Path.class);
                httpMethod(method).ifPresent(http -> endpoints.add(new Endpoint(segments(base
                        + (path == null ? "" : "/" + path.value())), http)));
            }
        }
    }

    /** The methods the path answers, as an {@code Allow} header says them; empty for a path the API lacks. */
    Optional<String> allowed(String path) {
        List<String> requested = segments(path);
        Set<String> methods = new TreeSet<>();
        for (Endpoint endpoint : endpoints) {
            if (endpoint.matches(requested)) {
                methods.add(endpoint.method());
                if (endpoint.method().equals(HttpMethod.GET)) {
                    methods.add(HttpMethod.HEAD);
                }
            }
        }
        if (methods.isEmpty()) {
            return Optional.empty();
        }
        methods.add(HttpMethod.OPTIONS);
        return Optional.of(String.join(", ", methods));
    }

    @ServerResponseFilter
    public void sayWhatIsAllowed(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() == 405 || request.getMethod().equals(HttpMethod.OPTIONS)) {
            allowed(request.getUriInfo().getPath()).ifPresent(allow ->
                    response.getHeaders().putSingle(HttpHeaders.ALLOW, allow));
        }
    }

    private static Optional<String> httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return Optional.of(http.value());
            }
        }
        return Optional.empty();
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }
}
