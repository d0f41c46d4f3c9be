package io.sirsi.nexus.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Renders every failure that reaches the HTTP router unanswered as problem+json, where Quarkus would answer with
 * its own JSON ({@code {"details": "Error id …", "stack": ""}}): e.g. an HTTP/1.1 request without {@code Host},
 * which Vert.x refuses before any route runs. A client's mistake (4xx) is logged at DEBUG without a trace; only
 * a failure of ours (5xx) is logged as an error, under an incident id the answer names.
 */
@ApplicationScoped
public class UnhandledFailures {

    private static final Logger LOG = Logger.getLogger(UnhandledFailures.class);

    private final ProblemWriter writer;

    public UnhandledFailures(ProblemWriter writer) {
        this.writer = writer;
    }

    void register(@Observes Router router) {
        router.route().failureHandler(this::render);
    }

    private void render(RoutingContext context) {
        Throwable failure = context.failure();
        if (context.response().ended() || context.response().headWritten() || isSecurity(failure)) {
            context.next(); // answered already, or security's to render (SecurityProblems)
            return;
        }
        int status = context.statusCode() >= 400 ? context.statusCode() : 500;
        if (status >= 500) {
            String incident = UUID.randomUUID().toString();
            LOG.errorf(failure, "Unexpected failure of %s %s, incident %s", context.request().method(),
                    context.request().path(), incident);
            writer.send(context, Problem.of("internal-error", "Internal error", status, "the registry failed"
                    + " unexpectedly; nothing is known to have changed. Incident " + incident
                    + " is in the registry log"));
            return;
        }
        Problem problem = Problem.forStatus(status, failure != null ? failure.getMessage() : null);
        LOG.debugf("Refused %s %s with %d: %s", context.request().method(), context.request().path(), status,
                problem.detail());
        if (context.request().version() != HttpVersion.HTTP_2) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close"); // the request may not have been read whole
        }
        writer.send(context, problem);
    }

    private static boolean isSecurity(Throwable failure) {
        return failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException
                || failure instanceof ForbiddenException;
    }
}
