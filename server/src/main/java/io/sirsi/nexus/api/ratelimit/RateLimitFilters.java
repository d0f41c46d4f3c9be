package io.sirsi.nexus.api.ratelimit;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * The request filters that spend a client's budget. They run after authentication, so a client is its API key
 * when it sent one (many services behind one address keep separate budgets), else its address.
 */
public final class RateLimitFilters {

    private RateLimitFilters() {
    }

    /** Spends {@link Budget#READS} on endpoints marked {@link ReadLimited}. */
    @Provider
    @ReadLimited
    public static class Reads extends Filter {
        public Reads(RateLimiter limiter, SecurityIdentity identity, HttpServerRequest request) {
            super(limiter, identity, request, Budget.READS);
        }
    }

    /** Spends {@link Budget#WRITES} on endpoints marked {@link WriteLimited}. */
    @Provider
    @WriteLimited
    public static class Writes extends Filter {
        public Writes(RateLimiter limiter, SecurityIdentity identity, HttpServerRequest request) {
            super(limiter, identity, request, Budget.WRITES);
        }
    }

    abstract static class Filter implements ContainerRequestFilter {

        private final RateLimiter limiter;
        private final SecurityIdentity identity;
        private final HttpServerRequest request;
        private final Budget budget;

        Filter(RateLimiter limiter, SecurityIdentity identity, HttpServerRequest request, Budget budget) {
            this.limiter = limiter;
            this.identity = identity;
            this.request = request;
            this.budget = budget;
        }

        @Override
        public void filter(ContainerRequestContext context) {
            limiter.admit(identity, request, budget);
        }
    }
}
