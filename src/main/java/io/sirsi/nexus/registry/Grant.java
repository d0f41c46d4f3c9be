package io.sirsi.nexus.registry;

/** The answer to an allocation request: the allocation, and whether it was made now or already existed. */
public record Grant(Allocation allocation, boolean created) {
}
