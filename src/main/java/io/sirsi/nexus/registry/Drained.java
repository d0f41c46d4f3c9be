package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.Optional;

/** The answer to a drain: the allocation, now Draining, when it will be released, and why it drains. */
public record Drained(Allocation allocation, Instant until, Optional<String> reason) {
}
