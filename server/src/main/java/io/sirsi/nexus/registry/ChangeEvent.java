package io.sirsi.nexus.registry;

import java.time.Instant;

/**
 * One entry of the change log: what happened to an allocation, when, and the allocation as it stands after it (as
 * it stood before, for an event that frees its port). The revision only grows, is the same on every replica, and
 * a reader of the log in revision order never skips one.
 */
public record ChangeEvent(long revision, EventType type, Instant at, Allocation allocation) {
}
