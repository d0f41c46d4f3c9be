package io.sirsi.nexus.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.sirsi.nexus.api.ratelimit.RateLimitExceededException;
import io.sirsi.nexus.api.security.FailedAuthentications;
import io.sirsi.nexus.api.security.SecurityProblems;
import io.sirsi.nexus.registry.RegistryException;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into an {@code application/problem+json} response. The one place errors get a status. */
public class Problems {

    static final String MEDIA_TYPE = Problem.MEDIA_TYPE;
    /** The OpenAPI description of a write's 503, which {@link #of} answers with either problem type it names. */
    static final String UNAVAILABLE_DESCRIPTION = "The registry's store is unavailable; nothing changed (type"
            + " store-unavailable), or its connection was lost as the change committed, which it may have (type"
            + " store-outcome-unknown: look it up, or ask again)";
    private static final String DUPLICATE_FIELD = "Duplicate field";
    private static final Logger LOG = Logger.getLogger(Problems.class);
    private static final Map<Class<?>, String> JSON_TYPES = Map.of(
            Integer.class, "an integer", int.class, "an integer", Long.class, "an integer", long.class, "an integer",
            Boolean.class, "true or false", boolean.class, "true or false", String.class, "a string");

    private final ProblemWriter writer;
    private final SecurityIdentity identity;
    private final FailedAuthentications failedAuthentications;

    public Problems(ProblemWriter writer, SecurityIdentity identity, FailedAuthentications failedAuthentications) {
        this.writer = writer;
        this.identity = identity;
        this.failedAuthentications = failedAuthentications;
    }

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        return writer.response(of(e), Map.of());
    }

    /** The registry's refusal as a problem; {@link DirectRoutes} answers with it too. */
    static Problem of(RegistryException e) {
        return switch (e.reason()) {
            case INVALID -> Problem.of("invalid-request", "Invalid request", 400, e.getMessage());
            case NOT_FOUND -> Problem.of("not-found", "Not found", 404, e.getMessage());
            case CONFLICT -> Problem.of("conflict", "Conflict", 409, e.getMessage());
            case RACE -> Problem.of("store-race", "Lost a race with another writer; retry", 409, e.getMessage());
            case GONE -> Problem.of("revision-compacted", "Gone", 410, e.getMessage());
            case UNAVAILABLE -> Problem.of("store-unavailable", "Registry unavailable", 503, e.getMessage());
            case OUTCOME_UNKNOWN -> Problem.of("store-outcome-unknown", "Outcome unknown", 503, e.getMessage());
        };
    }

    @ServerExceptionMapper
    public Response keyRequired(UnauthorizedException e) {
        return writer.response(SecurityProblems.keyRequired(),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, SecurityProblems.CHALLENGE));
    }

    @ServerExceptionMapper
    public Response keyRejected(AuthenticationFailedException e, HttpServerRequest request) {
        Optional<FailedAuthentications.Refusal> refusal = failedAuthentications.admit(request);
        if (refusal.isPresent()) {
            return writer.response(refusal.get().problem(),
                    Map.of(HttpHeaders.RETRY_AFTER, Long.toString(refusal.get().retryAfterSeconds())));
        }
        return writer.response(SecurityProblems.keyRejected(e),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, SecurityProblems.CHALLENGE));
    }

    @ServerExceptionMapper
    public Response roleTooLow(ForbiddenException e, ContainerRequestContext request) {
        return writer.response(SecurityProblems.roleTooLow(identity,
                request.getMethod() + " " + request.getUriInfo().getPath()), Map.of());
    }

    @ServerExceptionMapper
    public Response rateLimited(RateLimitExceededException e) {
        return writer.response(e.problem(), Map.of(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds())));
    }

    @ServerExceptionMapper({JsonProcessingException.class, JsonParseException.class, MismatchedInputException.class,
            UnrecognizedPropertyException.class})
    public Response unreadableJson(JsonProcessingException e) {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof WebApplicationException refused) {
                return http(refused); // the body was stopped while Jackson read it (BodySizeLimit)
            }
        }
        return problem(400, "invalid-json", "Invalid JSON body", describe(e));
    }

    /** The method is not one the path answers; {@link AllowedMethods} adds which ones it does. */
    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, ContainerRequestContext request) {
        return problem(405, "method-not-allowed", "Method Not Allowed", request.getMethod() + " is not allowed on "
                + request.getUriInfo().getPath() + "; the Allow header says which methods are");
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadableJson(unreadable);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        if (status == 400) {
            return problem(400, "invalid-request", "Invalid request", e.getMessage());
        }
        if (status == 413) {
            return writer.response(BodySizeLimit.tooLarge(e.getMessage()), Map.of());
        }
        if (status == 415) {
            return writer.response(MediaTypes.unsupported(), Map.of());
        }
        if (status == 404) {
            return problem(404, "not-found", "Not found",
                    "no such resource; the API lives under /ports (see /q/openapi), the dashboard at /ui/");
        }
        return writer.response(Problem.forStatus(status, null), Map.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        return writer.response(incident(e), Map.of());
    }

    /** Logs a failure nobody foresaw under a new incident number, and says only that number to the client. */
    static Problem incident(Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure, incident %s", incident);
        return Problem.of("internal-error", "Internal error", 500,
                "the registry failed unexpectedly; nothing is known to have changed. Incident " + incident
                        + " is in the registry log");
    }

    /** What failed, out of the wrappers a completion stage puts around it. */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private Response problem(int status, String type, String title, String detail) {
        return writer.response(Problem.of(type, title, status, detail), Map.of());
    }

    /** Says what is wrong with a JSON body without echoing parser internals or Java type names. */
    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'; known fields: "
                    + joinFields(unknown.getKnownPropertyIds());
        }
        if (e instanceof MismatchedInputException mismatch) {
            String field = path(mismatch);
            if (field.isEmpty()) {
                return "the request body must be a JSON object";
            }
            return "field '" + field + "' must be " + expected(mismatch.getTargetType());
        }
        if (e instanceof InputCoercionException && fieldBeingRead(e) != null) {
            return "field '" + fieldBeingRead(e) + "' is out of range for an integer";
        }
        if (e instanceof StreamConstraintsException) {
            return "the request body is beyond what a request may hold: " + withoutInternals(e.getOriginalMessage());
        }
        if (e instanceof JsonParseException && e.getOriginalMessage().startsWith(DUPLICATE_FIELD)) {
            // Jackson's message names the field: "Duplicate field 'allocation_id'"
            return "field " + e.getOriginalMessage().substring(DUPLICATE_FIELD.length()).strip()
                    + " appears more than once; send each field once";
        }
        if (e instanceof JsonParseException) {
            return "the request body is not valid JSON" + where(e) + ": " + notJson(e.getOriginalMessage());
        }
        if (e.getCause() instanceof JsonProcessingException cause && cause != e) {
            return describe(cause); // databind wraps what the parser found while it buffered a record's fields
        }
        return "the request body cannot be read as JSON";
    }

    /** What a field of the given Java type must be, in JSON's words. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        String known = JSON_TYPES.get(type);
        if (known != null) {
            return known;
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == UUID.class) {
            return "an id (a UUID such as 123e4567-e89b-12d3-a456-426614174000)";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a time in ISO 8601 (such as 2026-12-05T03:00:00Z)";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        return type.isRecord() || Map.class.isAssignableFrom(type) ? "a JSON object" : "a value of another type";
    }

    /**
     * The parser's complaint in JSON's words: where it names one of its own settings (NaN, comments, single
     * quotes, unquoted names, leading zeros are all features it can enable), that setting is not ours to offer.
     */
    private static String notJson(String message) {
        String first = message.lines().findFirst().orElse("");
        if (first.contains("not enabled") || first.contains("enable `") || first.contains("ALLOW_")) {
            int cut = first.indexOf(": enable");
            String said = cut > 0 ? first.substring(0, cut) : "";
            return (said.isEmpty() || said.contains("Feature") ? "" : said + ": ")
                    + "JSON has no comments, NaN or Infinity, single quotes, unquoted names or leading zeros";
        }
        return withoutInternals(first);
    }

    /** A parser message without the parts that describe the parser: its source and the setting behind a limit. */
    private static String withoutInternals(String message) {
        String said = message;
        int source = said.indexOf(" (start marker at");
        if (source < 0) {
            source = said.indexOf(" at [Source");
        }
        if (source > 0) {
            said = said.substring(0, source);
        }
        return said.replaceAll(", from `[^`]*`", "").replaceAll("`[A-Za-z.]+\\(\\)`", "").strip();
    }

    /** Where the parser stopped, as a person would look for it in the body. */
    private static String where(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The field whose value the parser was reading when it failed, if it knows: a name, or a name and index. */
    private static String fieldBeingRead(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return null;
        }
        JsonStreamContext context = parser.getParsingContext();
        if (context != null && context.inArray() && context.getParent() != null
                && context.getParent().getCurrentName() != null) {
            return context.getParent().getCurrentName() + "[" + Math.max(0, context.getCurrentIndex()) + "]";
        }
        return context == null ? null : context.getCurrentName();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String joinFields(Collection<Object> fields) {
        return fields.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }
}
