package io.sirsi.nexus.api.ratelimit;

/** The two rate-limit budgets a client has: reads are cheap and frequent, writes change the registry. */
public enum Budget {

    /** Every GET, and heartbeats: frequent by design, so the looser limit. */
    READS("reads"),
    /** Allocate, release and cleanup. */
    WRITES("writes");

    private final String label;

    Budget(String label) {
        this.label = label;
    }

    /** The name in metrics tags and messages. */
    public String label() {
        return label;
    }

    int perSecond(RateLimitConfig config) {
        return this == READS ? config.readsPerSecond() : config.writesPerSecond();
    }
}
