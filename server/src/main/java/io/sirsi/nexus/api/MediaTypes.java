package io.sirsi.nexus.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
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
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The API speaks JSON only, both ways. A request body must be declared {@code application/json} (UTF-8, the only
 * encoding of JSON, RFC 8259): a missing or empty {@code Content-Type}, a wildcard, or any other type is a 415.
 * Whitespace around a parameter's {@code ;} is allowed (RFC 9110) and removed before JAX-RS parses the type, in one
 * pass over the header: this runs on the event loop for every request, before authentication and rate limits, so
 * its work must grow with the header's length, never faster (the HTTP layer bounds that length:
 * {@code quarkus.http.limits.max-header-size}). Two {@code Content-Type} headers are a 400: which one the sender
 * meant is unknowable. A body in a content coding ({@code Content-Encoding: gzip}, {@code br}) is a 415: the
 * registry decodes none, and would otherwise read the compressed bytes as JSON.
 * {@code Accept} is not consulted under {@code /ports}: every answer there, error or not, is JSON, so a client
 * asking for HTML gets the real answer (a 400, a 404) rather than a 406 that hides it (RFC 9110, 12.5.1).
 */
@ApplicationScoped
public class MediaTypes {

    private static final String API = "/ports";

    static Problem unsupported() {
        return Problem.of("unsupported-media-type", "Unsupported media type", 415,
                "the request body must be JSON, declared as 'Content-Type: application/json' (charset UTF-8, if any)");
    }

    private final ProblemWriter writer;

    public MediaTypes(ProblemWriter writer) {
        this.writer = writer;
    }

    static Problem encoded(String coding) {
        return Problem.of("unsupported-media-type", "Unsupported media type", 415, "the request body must be plain"
                + " JSON: 'Content-Encoding: " + coding + "' is not decoded; send it without a content coding");
    }

    void register(@Observes Filters filters) {
        filters.register(this::normalise, Integer.MAX_VALUE);
    }

    private void normalise(RoutingContext context) {
        HttpServerRequest request = context.request();
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        // most requests (every GET) have none: the list of all values is made only for one that has
        List<String> types = type == null ? List.of() : request.headers().getAll(HttpHeaders.CONTENT_TYPE);
        if (types.size() > 1) {
            HttpConformance.refuse(writer, context, Problem.of("invalid-request", "Invalid request", 400,
                    "Content-Type is given " + types.size() + " times; give it once"));
            return;
        }
        String coding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (coding != null && !coding.strip().equalsIgnoreCase("identity") && HttpConformance.hasBody(request)) {
            HttpConformance.refuse(writer, context, encoded(coding.strip()));
            return;
        }
        if (type != null) {
            String tidy = tidy(type);
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

    /**
     * The type without whitespace around each {@code ;}, in one pass. (The regular expression {@code \\s*;\\s*}
     * that did this backtracked over every run of spaces from every position in it: quadratic, 1.75 s for a
     * 19,000-space header.)
     */
    static String tidy(String type) {
        String text = type.strip();
        StringBuilder tidy = new StringBuilder(text.length());
        int spacesFrom = -1; // where the run of whitespace just appended began, if the last character was one
        boolean afterSemicolon = false;
        for (int i = 0; i < text.length(); i++) {
            char next = text.charAt(i);
            if (isSpace(next)) {
                if (!afterSemicolon) {
                    spacesFrom = spacesFrom < 0 ? tidy.length() : spacesFrom;
                    tidy.append(next);
                }
                continue;
            }
            if (next == ';' && spacesFrom >= 0) {
                tidy.setLength(spacesFrom);
            }
            afterSemicolon = next == ';';
            spacesFrom = -1;
            tidy.append(next);
        }
        return tidy.toString();
    }

    /** What {@code \\s} matched: ASCII whitespace. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
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
