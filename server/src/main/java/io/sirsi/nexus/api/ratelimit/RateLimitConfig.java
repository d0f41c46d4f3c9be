package io.sirsi.nexus.api.ratelimit;

import io.sirsi.nexus.registry.ConfigConverters;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** Per-client rate limits, under {@code sirsi.rate-limit}. Every key is listed in the README. */
@ConfigMapping(prefix = "sirsi.rate-limit")
public interface RateLimitConfig {

    /** Whether requests to {@code /ports} are rate limited at all. */
    @WithDefault("true")
    @WithConverter(ConfigConverters.Switch.class)
    boolean enabled();

    /** Sustained allocate, release and cleanup requests per second, per client. */
    @WithDefault("50")
    int writesPerSecond();

    /** Sustained reads (every GET) and heartbeats per second, per client. */
    @WithDefault("500")
    int readsPerSecond();

    /** Requests a client may send at once, after being idle, before its per-second rate applies (per budget). */
    @WithDefault("100")
    int burst();

    /** Clients whose buckets are remembered; past that the least recently seen are forgotten (bounded memory). */
    @WithDefault("10000")
    int maxClients();
}
