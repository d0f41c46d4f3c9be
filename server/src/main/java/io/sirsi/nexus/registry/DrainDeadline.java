package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.UUID;

/** When a Draining allocation's drain time ends, as the store holds it: then it is released. */
public record DrainDeadline(UUID allocationId, String host, Instant until) {
}
