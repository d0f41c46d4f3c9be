package io.sirsi.nexus.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Rejects request bodies larger than any valid request could be, with a problem+json 413. The HTTP layer's own
 * limit ({@code quarkus.http.limits.max-body-size}) stays as a higher backstop: it answers without a body.
 */
public class BodySizeLimit {

    static final int MAX_BYTES = 16 * 1024;

    @ServerRequestFilter(preMatching = true)
    public void rejectOversizedBodies(ContainerRequestContext request) {
        if (request.getLength() > MAX_BYTES) {
            throw new WebApplicationException("request body of " + request.getLength() + " bytes is over the limit of "
                    + MAX_BYTES + " bytes", Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
    }
}
