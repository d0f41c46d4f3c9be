package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The answer to a drain: the host, the allocations now Draining (one, or every one of a host put in maintenance),
 * when they will be released, and why they drain.
 */
public record Drained(String host, List<Allocation> allocations, Instant until, Optional<String> reason) {
}
