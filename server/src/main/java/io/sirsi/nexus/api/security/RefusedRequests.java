package io.sirsi.nexus.api.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.sirsi.nexus.registry.LogThrottle;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Logs the requests answered 401, 403 or 429, so that an operator sees who is refused and who is rate-limited:
 * status, method, path, the client's address and, when it authenticated, its API key's name (never the key). At
 * most one line per status and address every {@link #WINDOW}, the next one saying how many were held back, so a
 * flood of refused calls cannot flood the log. INFO: a refusal is the registry working, not failing; the category
 * ({@code io.sirsi.nexus.api.security.RefusedRequests}) can be raised to WARN to hide them, or lowered to DEBUG.
 */
@Singleton
public class RefusedRequests {

    static final Duration WINDOW = Duration.ofSeconds(10);
    /** Status and address pairs remembered at once; past them the least recently seen are forgotten. */
    private static final int MAX_CLIENTS = 10_000;
    private static final Set<Integer> LOGGED = Set.of(401, 403, 429);
    private static final Logger LOG = Logger.getLogger(RefusedRequests.class);

    private final LogThrottle throttle;

    public RefusedRequests(InstantSource clock) {
        this.throttle = new LogThrottle(clock, WINDOW, MAX_CLIENTS);
    }

    /**
     * An answer was sent with this status: logged if it is a refusal. Told by the router's first route
     * ({@code api/RequestMetrics}), which sees every answer end, whichever part of the registry refused it
     * (authentication, protected mode, the cross-site check, roles, the rate limits, the direct routes): one end
     * handler a request for both, rather than a hook of its own on every request.
     */
    public void answered(RoutingContext context, int status) {
        if (LOGGED.contains(status)) {
            log(context, status);
        }
    }

    private void log(RoutingContext context, int status) {
        HttpServerRequest request = context.request();
        String address = Clients.address(request);
        throttle.admit(status + " " + address).ifPresent(due -> LOG.infof("Refused %d: %s %s from %s%s%s", status,
                request.method(), shown(request.path()), address, keyName(context),
                due.heldBackText(status + "s from " + address)));
    }

    /** The name of the API key the request authenticated with, as the log shows it; "" for none. */
    private static String keyName(RoutingContext context) {
        SecurityIdentity identity = context.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        String name = identity == null || identity.isAnonymous() ? null : identity.getAttribute(ApiKeys.KEY_NAME);
        return name == null ? "" : " (API key '" + name + "')";
    }

    /** A path as the log quotes it: at most 100 characters, so that a long one cannot flood the log either. */
    private static String shown(String path) {
        return path == null || path.length() <= 100 ? String.valueOf(path) : path.substring(0, 100) + "…";
    }
}
