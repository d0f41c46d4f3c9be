package io.sirsi.nexus.api.ratelimit;

import io.sirsi.nexus.wire.Problem;

/** A client went over its rate limit: 429, with how long to wait. */
public class RateLimitExceededException extends RuntimeException {

    private final long retryAfterSeconds;

    RateLimitExceededException(String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds until the client's next request would be admitted; at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The 429 body; send it with {@code Retry-After: }{@link #retryAfterSeconds()}. */
    public Problem problem() {
        return Problem.of("rate-limited", "Too many requests", 429, getMessage());
    }
}
