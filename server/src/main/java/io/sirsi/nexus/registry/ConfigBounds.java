package io.sirsi.nexus.registry;

import java.time.Duration;
import java.util.Set;

/**
 * The registry's settings that the configuration layer reads but cannot judge: a duration of zero or less, a share
 * outside 0 to 1, a port outside 1 to 65535 would start a registry that misbehaves quietly (a negative heartbeat
 * timeout expires every allocation at once; a negative self-preservation threshold never expires anything). Checked
 * when the registry is made, so {@code start} refuses with one line naming the setting, as for any bad setting.
 */
final class ConfigBounds {

    private static final String PREFIX = "sirsi.ports.";

    private ConfigBounds() {
    }

    static void check(RegistryConfig config) {
        positive("heartbeat-timeout", config.heartbeatTimeout());
        positive("cleanup-interval", config.cleanupInterval());
        positive("expiry-interval", config.expiryInterval());
        positive("drain-timeout", config.drainTimeout());
        if (config.drainTimeout().compareTo(Draining.LONGEST) > 0) {
            throw refused("drain-timeout", config.drainTimeout(), "at most " + Durations.written(Draining.LONGEST)
                    + ", the longest drain");
        }
        if (config.reuseDelay().isNegative()) {
            throw refused("reuse-delay", config.reuseDelay(), "0s (off) or more");
        }
        positive("history.retention", config.history().retention());
        if (config.history().maxEvents() < 1) {
            throw refused("history.max-events", config.history().maxEvents(), "at least 1");
        }
        double threshold = config.selfPreservation().threshold();
        if (!(threshold >= 0 && threshold <= 1)) { // NaN too
            throw refused("self-preservation.threshold", threshold, "a share from 0 to 1 (1 turns it off)");
        }
        positive("agents.dark-after", config.agents().darkAfter());
        for (int port : config.reservedPorts().orElse(Set.of())) {
            if (port < 1 || port > 65535) {
                throw refused("reserved-ports", port, "ports from 1 to 65535");
            }
        }
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw refused(key, value, "more than 0s");
        }
    }

    private static IllegalArgumentException refused(String key, Object value, String expected) {
        String shown = value instanceof Duration duration ? Durations.written(duration) : String.valueOf(value);
        return new IllegalArgumentException(PREFIX + key + " must be " + expected + ", got " + shown);
    }
}
