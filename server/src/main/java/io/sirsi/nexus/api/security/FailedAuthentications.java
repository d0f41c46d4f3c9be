package io.sirsi.nexus.api.security;

import io.sirsi.nexus.wire.Problem;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;

/**
 * Slows down the guessing of keys: asked before a rejected key is answered, it may answer instead with a refusal
 * (a 429). The rate limiter implements it, so that security code depends on no rate-limiting code (the rate limiter
 * already depends on security's idea of a client).
 */
public interface FailedAuthentications {

    /** Empty when the client may be told its key was rejected; else what to answer instead. */
    Optional<Refusal> admit(HttpServerRequest request);

    /** A 429 and the {@code Retry-After} seconds to send with it. */
    record Refusal(Problem problem, long retryAfterSeconds) {
    }
}
