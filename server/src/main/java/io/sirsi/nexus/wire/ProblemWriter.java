package io.sirsi.nexus.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * Writes a {@link Problem} as {@code application/problem+json}, either as a JAX-RS response or straight onto the
 * HTTP response for the rejections that happen before JAX-RS sees the request (protected mode, authentication).
 */
@Singleton
public class ProblemWriter {

    /** Spelled as Quarkus REST spells it, whichever of the two writes the problem. */
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String NOSNIFF_HEADER = "X-Content-Type-Options";

    private final ObjectMapper json;

    public ProblemWriter(ObjectMapper json) {
        this.json = json;
    }

    /** The problem as a JAX-RS response, with extra headers (e.g. {@code Retry-After}). */
    public Response response(Problem problem, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                .entity(serialize(problem));
        headers.forEach(response::header);
        return response.build();
    }

    /**
     * Ends the HTTP exchange with the problem; headers already set on the response (a challenge) stay. The future
     * completes once the answer is written to the connection.
     */
    public Future<Void> send(RoutingContext context, Problem problem) {
        return context.response().setStatusCode(problem.status())
                .putHeader(CONTENT_TYPE, Problem.MEDIA_TYPE)
                // also where the configured headers are not added: failures before any route ran
                .putHeader(NOSNIFF_HEADER, "nosniff")
                .end(serialize(problem));
    }

    private String serialize(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
