package io.sirsi.nexus.registry;

import java.util.function.Predicate;

/**
 * The one rule for which instances discovery offers to clients that will send them work: DNS answers and the
 * Prometheus SD's default answer both filter by it, so that an instance leaves both at once. An instance is offered
 * while it is Active: a Draining one (a status of its own), an Expired one and a static reservation are not. When the
 * host agent's checks exist, a critical check is excluded here too, in this one place.
 */
public final class Offered {

    /** Whether discovery offers the allocation. */
    public static final Predicate<Allocation> INSTANCE = allocation -> allocation.status() == AllocationStatus.ACTIVE;

    private Offered() {
    }
}
