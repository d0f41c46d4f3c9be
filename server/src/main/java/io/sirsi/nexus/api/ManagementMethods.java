package io.sirsi.nexus.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;

/**
 * Health, metrics, OpenAPI and Swagger UI under {@code /q} are read-only: any method but GET and HEAD (and
 * OPTIONS, for CORS preflight) is a 405, where Quarkus would answer them like a GET.
 */
@ApplicationScoped
public class ManagementMethods {

    private static final String MANAGEMENT = "/q";
    private static final Set<HttpMethod> ALLOWED = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final ProblemWriter writer;

    public ManagementMethods(ProblemWriter writer) {
        this.writer = writer;
    }

    void register(@Observes Filters filters) {
        filters.register(this::readOnly, Integer.MAX_VALUE - 1);
    }

    private void readOnly(RoutingContext context) {
        String path = context.normalizedPath();
        if ((path.equals(MANAGEMENT) || path.startsWith(MANAGEMENT + "/"))
                && !ALLOWED.contains(context.request().method())) {
            context.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
            writer.send(context, Problem.forStatus(405,
                    context.request().method() + " is not allowed on " + path + ", which is read-only: use GET"));
            return;
        }
        context.next();
    }
}
