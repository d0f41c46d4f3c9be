package io.sirsi.nexus.ui;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The dashboard is static files under {@code META-INF/resources/ui/}, which Quarkus serves at {@code /ui/} from the
 * jar and the native executable alike. {@code /} and {@code /ui} send a browser there, with a relative
 * {@code Location}, so the page also works behind a reverse proxy that serves the registry under a path of its own.
 */
@ApplicationScoped
public class DashboardRoutes {

    /** Exactly {@code /} and {@code /ui}: a plain path route would match {@code /ui/} as well. */
    private static final String TO_DASHBOARD = "/|/ui";

    void register(@Observes Router router) {
        router.routeWithRegex(TO_DASHBOARD).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::redirect);
    }

    private void redirect(RoutingContext context) {
        context.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "ui/").end();
    }
}
