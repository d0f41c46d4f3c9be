package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A host that holds nothing costs nothing: its table goes once it is idle, and not a moment before. */
class RegistryIndexTest {

    private static final ServiceType CACHE = ServiceType.CACHE;
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration REUSE_DELAY = Duration.ofMinutes(1);

    private final RegistryIndex index = new RegistryIndex(host -> new PortTable(
            Map.of(CACHE, new PortRange(6300, 6399)), Set.of(), port -> false, REUSE_DELAY));

    private static Allocation on(String host, int port) {
        return new Allocation(UUID.randomUUID(), host, port, "svc", CACHE, Optional.empty(), T0, T0,
                AllocationStatus.ACTIVE);
    }

    @Test
    void aHostIsForgottenOnlyOnceItHoldsNothingAndNoPortOfItCools() {
        Allocation held = on("node-1", 6300);
        index.put(held);
        index.put(on("node-2", 6300));
        assertEquals(List.of(), index.forgetIdle(List.of("node-1", "node-2"), T0, host -> false));

        index.free(held, T0);
        assertEquals(List.of(), index.forgetIdle(List.of("node-1"), T0.plusSeconds(59), host -> false),
                "port 6300 still cools on node-1");
        assertEquals(1, index.existing("node-1").orElseThrow().cooling(CACHE, T0.plusSeconds(59)));
        assertEquals(List.of(), index.forgetIdle(List.of("node-1"), T0.plusSeconds(61), host -> true),
                "kept, as asked");
        assertEquals(List.of("node-1"), index.forgetIdle(List.of("node-1", "node-2"), T0.plusSeconds(61),
                host -> false));
        assertTrue(index.existing("node-1").isEmpty());
        assertEquals(List.of("node-2"), List.copyOf(index.hosts()));
    }
}
