package io.sirsi.nexus.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The API speaks JSON only, both ways. A request body must be declared {@code application/json} (UTF-8, the only
 * encoding of JSON, RFC 8259): a missing or empty {@code Content-Type}, a wildcard, or any other type is a 415.
 * Whitespace around a parameter's {@code ;} is allowed (RFC 9110) and removed before JAX-RS parses the type.
 * {@code Accept} is not consulted under {@code /ports}: every answer there, error or not, is JSON, so a client
 * asking for HTML gets the real answer (a 400, a 404) rather than a 406 that hides it (RFC 9110, 12.5.1).
 */
@ApplicationScoped
public class MediaTypes {

    private static final Pattern SPACED_PARAMETER = Pattern.compile("\\s*;\\s*");
    private static final String API = "/ports";

    static Problem unsupported() {
        return Problem.of("unsupported-media-type", "Unsupported media type", 415,
                "the request body must be JSON, declared as 'Content-Type: application/json' (charset UTF-8, if any)");
    }

    void register(@Observes Filters filters) {
        filters.register(this::normalise, Integer.MAX_VALUE);
    }

    private void normalise(RoutingContext context) {
        HttpServerRequest request = context.request();
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            String tidy = SPACED_PARAMETER.matcher(type.strip()).replaceAll(";");
            if (tidy.isEmpty()) {
                request.headers().remove(HttpHeaders.CONTENT_TYPE);
            } else if (!tidy.equals(type)) {
                request.headers().set(HttpHeaders.CONTENT_TYPE, tidy);
            }
        }
        String path = context.normalizedPath();
        if (path.equals(API) || path.startsWith(API + "/")) {
            request.headers().remove(HttpHeaders.ACCEPT);
        }
        context.next();
    }

    /** On every endpoint that reads a body ({@link Consumes}), whatever the body turns out to be. */
    @ServerRequestFilter
    public void requireJson(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceMethod() == null || !resource.getResourceMethod().isAnnotationPresent(Consumes.class)) {
            return;
        }
        MediaType type;
        try {
            type = request.getMediaType();
        } catch (RuntimeException unparsable) {
            type = null;
        }
        if (type == null || !type.getType().equalsIgnoreCase("application")
                || !type.getSubtype().equalsIgnoreCase("json") || !utf8(type)) {
            throw new NotSupportedException();
        }
    }

    private static boolean utf8(MediaType type) {
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        return charset == null || charset.equalsIgnoreCase(StandardCharsets.UTF_8.name());
    }
}
