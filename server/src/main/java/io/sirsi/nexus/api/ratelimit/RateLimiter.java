package io.sirsi.nexus.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.security.identity.SecurityIdentity;
import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.api.security.Clients;
import io.sirsi.nexus.api.security.FailedAuthentications;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket per client and budget (Bucket4j, lock-free). Clients are held in a bounded cache: a client idle
 * long enough to have refilled its buckets is forgotten, which loses nothing, and the least recently seen are
 * dropped past {@code max-clients}, so a flood of new addresses cannot exhaust memory. Application scoped (a
 * lazy proxy) because the JAX-RS filters that use it are built before runtime configuration is read; created at
 * start-up all the same, so that a limit below 1 stops the registry with a message naming it.
 */
@Startup
@ApplicationScoped
public class RateLimiter implements FailedAuthentications {

    private final RateLimitConfig config;
    private final Cache<String, Map<Budget, Bucket>> clients;
    private final Map<Budget, Counter> rejections = new EnumMap<>(Budget.class);

    public RateLimiter(RateLimitConfig config, MeterRegistry meters) {
        requireAtLeastOne("writes-per-second", config.writesPerSecond());
        requireAtLeastOne("reads-per-second", config.readsPerSecond());
        requireAtLeastOne("burst", config.burst());
        requireAtLeastOne("max-clients", config.maxClients());
        this.config = config;
        this.clients = Caffeine.newBuilder().maximumSize(config.maxClients()).expireAfterAccess(refillTime()).build();
        for (Budget budget : Budget.values()) {
            rejections.put(budget, Counter.builder("sirsi.rate.limit.rejections")
                    .description("Requests refused with 429 because their client was over its rate limit")
                    .tag("budget", budget.label()).register(meters));
        }
    }

    /** Takes one request from the client's budget, or throws when the bucket is empty. */
    public void admit(String client, Budget budget) {
        if (!config.enabled()) {
            return;
        }
        ConsumptionProbe probe = clients.get(client, this::newBuckets).get(budget).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            rejections.get(budget).increment();
            long retryAfter = Math.max(1,
                    TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + TimeUnit.SECONDS.toNanos(1) - 1));
            throw new RateLimitExceededException("too many " + budget.label() + " from " + client + ": the limit is "
                    + budget.perSecond(config) + " per second with bursts of " + config.burst()
                    + "; retry after " + retryAfter + " s", retryAfter);
        }
    }

    /**
     * A request whose API key was rejected spends its address's write budget: a key cannot be guessed faster than
     * a client may write, and once the budget is spent the guesses get 429 instead of an answer.
     */
    @Override
    public Optional<Refusal> admit(HttpServerRequest request) {
        try {
            admit(byAddress(request), Budget.WRITES);
            return Optional.empty();
        } catch (RateLimitExceededException tooMany) {
            return Optional.of(new Refusal(tooMany.problem(), tooMany.retryAfterSeconds()));
        }
    }

    /**
     * Takes one request from the budget of its client: its API key when it sent one, else its address. With limits
     * off, returns at once: nor the identity resolved, nor the client's name built, for a budget nobody keeps.
     */
    public void admit(SecurityIdentity identity, HttpServerRequest request, Budget budget) {
        if (!config.enabled()) {
            return;
        }
        String key = identity.isAnonymous() ? null : identity.getAttribute(ApiKeys.KEY_NAME);
        admit(key != null ? "API key '" + key + "'" : byAddress(request), budget);
    }

    /** The client name of a request that did not authenticate with an API key. */
    static String byAddress(HttpServerRequest request) {
        return "address " + Clients.address(request);
    }

    private static void requireAtLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("sirsi.rate-limit." + key + " must be at least 1, got " + value);
        }
    }

    private Map<Budget, Bucket> newBuckets(String client) {
        Map<Budget, Bucket> buckets = new EnumMap<>(Budget.class);
        for (Budget budget : Budget.values()) {
            buckets.put(budget, Bucket.builder().addLimit(Bandwidth.builder().capacity(config.burst())
                    .refillGreedy(budget.perSecond(config), Duration.ofSeconds(1)).build()).build());
        }
        return buckets;
    }

    /** How long an emptied bucket of the slower budget takes to fill up again. */
    private Duration refillTime() {
        int slowest = Math.min(config.readsPerSecond(), config.writesPerSecond());
        return Duration.ofMillis(1000L * config.burst() / slowest + 1000);
    }
}
