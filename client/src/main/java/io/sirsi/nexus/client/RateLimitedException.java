package io.sirsi.nexus.client;

import java.time.Duration;
import java.util.Optional;

/** HTTP 429: this client sent more requests than the registry's rate limit allows; retry after a while. */
public class RateLimitedException extends RegistryException {

    private final Duration retryAfter;

    /** The registry's answer, with its {@code Retry-After}, if it sent one. */
    public RateLimitedException(int status, String problemType, String title, String detail, Duration retryAfter) {
        super(status, problemType, title, detail);
        this.retryAfter = retryAfter;
    }

    /** How long the registry asked this client to wait. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
