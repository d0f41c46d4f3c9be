package io.sirsi.nexus.api.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;

/**
 * The problems that authentication and authorisation answer with, and the Vert.x failure handler that renders
 * them when Quarkus security rejects a request before JAX-RS sees it (a bad key is rejected for every path).
 * {@code api.Problems} renders the same problems for rejections inside JAX-RS ({@code @RolesAllowed}).
 */
@ApplicationScoped
public class SecurityProblems {

    static final String HOW_TO_SEND = "send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'";
    static final String UNKNOWN_KEY = "the API key is not known to this registry; check the key, or have an operator "
            + "configure its SHA-256 as sirsi.auth.keys.<name>=<role>:<sha256-hex>";
    static final String NO_KEYS_CONFIGURED = "an API key was sent, but this registry has no keys configured; "
            + "send no key from this machine, or configure keys with sirsi.auth.keys.<name>=<role>:<sha256-hex>";
    static final String NOT_BEARER = "the Authorization header must be 'Bearer <key>'; or send the key as "
            + "'X-API-Key: <key>'";
    static final String TWO_KEYS = "the Authorization and X-API-Key headers hold different keys; send one key";
    static final String ROLES = "/q/metrics needs role metrics (or any higher); reads need reader; allocate, "
            + "release, heartbeat, scale and an allocation's drain need writer; cleanup and a host's maintenance"
            + " (drain or undrain with host) need admin; a host agent's report needs agent.";
    static final String EMPTY_KEY = "the API key is empty; " + HOW_TO_SEND;
    /** The challenge header value that goes with every 401. */
    public static final String CHALLENGE = "Bearer realm=\"sirsi-nexus\"";

    private final ProblemWriter writer;
    private final FailedAuthentications failedAuthentications;

    public SecurityProblems(ProblemWriter writer, FailedAuthentications failedAuthentications) {
        this.writer = writer;
        this.failedAuthentications = failedAuthentications;
    }

    /** 401 for a request without a key to a registry that needs one. */
    public static Problem keyRequired() {
        return Problem.of("unauthorized", "API key required", 401,
                "this registry requires an API key: " + HOW_TO_SEND);
    }

    /** 401 for a key that is unknown, malformed or sent where no keys exist; the reason is the detail. */
    public static Problem keyRejected(AuthenticationFailedException e) {
        String reason = Optional.ofNullable(e.getMessage()).filter(message -> !message.isBlank())
                .orElse(UNKNOWN_KEY);
        return Problem.of("unauthorized", "Invalid API key", 401, reason);
    }

    /** 403 for a key whose role is too low for {@code request} (e.g. {@code POST /ports/allocate}). */
    public static Problem roleTooLow(SecurityIdentity identity, String request) {
        String holds = Role.highest(identity.getRoles()).map(role -> "role " + role.wireName()).orElse("no role");
        return Problem.of("forbidden", "Forbidden", 403, "API key '" + identity.getPrincipal().getName() + "' has "
                + holds + ", which may not " + request + ". " + ROLES);
    }

    /** 403 for a refusal by a security policy outside JAX-RS, where the identity is not at hand. */
    public static Problem forbidden() {
        return Problem.of("forbidden", "Forbidden", 403, "this API key may not make this request. " + ROLES);
    }

    void renderSecurityFailures(@Observes Router router) {
        router.route().failureHandler(this::render);
    }

    private void render(RoutingContext context) {
        Throwable failure = context.failure();
        if (context.response().ended() || context.response().headWritten()) {
            context.next();
        } else if (failure instanceof AuthenticationFailedException rejected) {
            Optional<FailedAuthentications.Refusal> refusal = failedAuthentications.admit(context.request());
            if (refusal.isPresent()) {
                context.response().putHeader(HttpHeaders.RETRY_AFTER,
                        Long.toString(refusal.get().retryAfterSeconds()));
                writer.send(context, refusal.get().problem());
                return;
            }
            context.response().putHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
            writer.send(context, keyRejected(rejected));
        } else if (failure instanceof UnauthorizedException) {
            context.response().putHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
            writer.send(context, keyRequired());
        } else if (failure instanceof ForbiddenException) {
            writer.send(context, forbidden());
        } else {
            context.next();
        }
    }
}
