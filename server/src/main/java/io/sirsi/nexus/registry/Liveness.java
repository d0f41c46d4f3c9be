package io.sirsi.nexus.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What keeps an allocation alive. Chosen at allocate time and stored with it, so that every replica judges it alike.
 */
public enum Liveness {
    /** The service's heartbeats (or its asking again), as the spec has it: the default. */
    HEARTBEAT,
    /**
     * Its listener, as the host's agent sees it: each report that finds the port listening (owned by the
     * allocation's process when it names one) counts as a heartbeat, and once the agent has seen it listen, the
     * listener alone decides: {@code not-listening-after} reports without it expire the allocation, and the
     * service's own heartbeats no longer count. Until an agent reports for the host (or while it is dark),
     * heartbeats keep it alive as they do any allocation.
     */
    LISTENER;

    /** The spelling on the wire and in the store: {@code heartbeat}, {@code listener}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, failing with a message that lists the valid ones. */
    public static Liveness parse(String name) {
        return fromWireName(name).orElseThrow(() -> new InvalidRequestException("unknown liveness '"
                + InvalidRequestException.shown(name) + "'; expected one of " + Arrays.stream(values())
                .map(Liveness::wireName).collect(Collectors.joining(", "))));
    }

    public static Optional<Liveness> fromWireName(String name) {
        return Arrays.stream(values()).filter(liveness -> liveness.wireName().equals(name)).findFirst();
    }
}
