package io.sirsi.nexus.registry;

import java.util.function.Predicate;

/**
 * The one rule for which instances discovery offers to clients that will send them work: DNS answers and the
 * Prometheus SD's default answer both filter by it, so that an instance leaves both at once. Today an instance is
 * offered while it is Active; a status added later (draining) or a failing check is excluded here, in one place.
 */
public final class Offered {

    /** Whether discovery offers the allocation. */
    public static final Predicate<Allocation> INSTANCE = allocation -> allocation.status() == AllocationStatus.ACTIVE;

    private Offered() {
    }
}
