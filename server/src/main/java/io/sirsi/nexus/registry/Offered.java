package io.sirsi.nexus.registry;

import java.util.function.Predicate;

/**
 * The one rule for which instances discovery offers to clients that will send them work: DNS answers and the
 * Prometheus SD's default answer both filter by it, so that an instance leaves both at once. An instance is offered
 * while it is Active and its check (if it has one) is not critical: a Draining one (a status of its own), an Expired
 * one, a static reservation and a critical one are not. A critical one comes back when its check passes again.
 */
public final class Offered {

    /** Whether discovery offers the allocation. */
    public static final Predicate<Allocation> INSTANCE = allocation -> allocation.status() == AllocationStatus.ACTIVE
            && !allocation.critical();

    private Offered() {
    }
}
