package io.sirsi.nexus.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a drain did: the allocations now {@code Draining}, no longer offered by discovery, and when their ports are
 * released unless undrained before.
 *
 * @param host the host of the drained allocation, or the host put in maintenance
 * @param allocation the allocation drained, when one was named; {@code null} for a whole host
 * @param drained every allocation this request made Draining (for a host: all of it but the static reservations)
 * @param until when the ports are released, and a host's maintenance ends, unless undrained before
 * @param reason why, as given; {@code null} when none was
 * @param message the registry's summary, for a person
 */
public record DrainResult(String host, Allocation allocation, List<Allocation> drained, Instant until, String reason,
        String message) {

    /** The allocation drained, when one was named (empty for a host put in maintenance). */
    public Optional<Allocation> namedAllocation() {
        return Optional.ofNullable(allocation);
    }

    /** Why, when a reason was given. */
    public Optional<String> why() {
        return Optional.ofNullable(reason);
    }
}
