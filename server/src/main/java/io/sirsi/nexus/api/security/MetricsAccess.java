package io.sirsi.nexus.api.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.sirsi.nexus.wire.ProblemWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * {@code /q/metrics} names every host and service type with their counts, so it needs role {@code metrics} (which
 * every higher role holds); in protected mode a loopback client is an admin and has it. Health probes, the OpenAPI
 * document and Swagger UI stay open: see the README's Security section. A filter of its own, ahead of Micrometer's
 * route, rather than a Quarkus HTTP permission, whose refusal of an anonymous client is a challenge with an empty body.
 */
@ApplicationScoped
public class MetricsAccess {

    private static final String METRICS = "/q/metrics";

    private final ProblemWriter writer;

    public MetricsAccess(ProblemWriter writer) {
        this.writer = writer;
    }

    /** After authentication and Quarkus's own authorisation, before any route (Micrometer's among them). */
    static final int PRIORITY = SecurityHandlerPriorities.AUTHORIZATION - 1;

    void guard(@Observes Filters filters) {
        filters.register(this::admit, PRIORITY);
    }

    private void admit(RoutingContext context) {
        String path = context.normalizedPath();
        if (!path.equals(METRICS) && !path.startsWith(METRICS + "/")) {
            context.next();
            return;
        }
        // The identity authentication made (or is making) for this request; none without the security extension's
        // handler, which then counts as anonymous.
        Uni<SecurityIdentity> identity = QuarkusHttpUser.getSecurityIdentity(context, null);
        if (identity == null) {
            decide(context, null);
        } else {
            identity.subscribe().with(known -> decide(context, known), context::fail);
        }
    }

    private void decide(RoutingContext context, SecurityIdentity identity) {
        if (identity != null && identity.hasRole(Role.Names.METRICS)) {
            context.next();
        } else if (identity == null || identity.isAnonymous()) {
            context.response().putHeader(HttpHeaders.WWW_AUTHENTICATE, SecurityProblems.CHALLENGE);
            writer.send(context, SecurityProblems.keyRequired());
        } else {
            writer.send(context, SecurityProblems.roleTooLow(identity, "GET " + METRICS));
        }
    }
}
