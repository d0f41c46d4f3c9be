package io.sirsi.nexus.registry;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a new allocation's port is chosen when no preferred port is asked for, or it is not free. A free preferred
 * port always comes first, and a required one keeps its meaning; each strategy falls back to {@link #FIRST_FREE}.
 */
public enum PlacementStrategy {
    /** The lowest free port of the type's range: the spec's rule, and predictable. */
    FIRST_FREE("first-free"),
    /** A random free port of the range: fewer clashes with processes that never registered (as Nomad does). */
    RANDOM("random"),
    /** The port the service already holds on its other hosts: one load-balancer or firewall rule names them all. */
    SAME_PORT("same-port"),
    /** The port the service held last on this host, as far back as the change log remembers. */
    STICKY("sticky");

    private final String wireName;

    PlacementStrategy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<PlacementStrategy> fromWireName(String name) {
        return Arrays.stream(values()).filter(strategy -> strategy.wireName.equals(name)).findFirst();
    }

    /** Parses a wire name, failing with a message that lists the valid ones. */
    public static PlacementStrategy parse(String name) {
        return fromWireName(name).orElseThrow(() -> new InvalidRequestException(
                "unknown strategy '" + name + "'; expected one of " + wireNames()));
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(PlacementStrategy::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
