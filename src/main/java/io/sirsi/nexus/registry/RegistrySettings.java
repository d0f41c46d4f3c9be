package io.sirsi.nexus.registry;

import java.util.EnumMap;
import java.util.Map;

/** Turns the textual settings of {@link RegistryConfig} into domain values, failing start-up on a bad one. */
final class RegistrySettings {

    private RegistrySettings() {
    }

    /** The range of every service type: the configured one where given, else the spec's. */
    static Map<ServiceType, PortRange> ranges(Map<String, String> configured) {
        Map<ServiceType, PortRange> ranges = new EnumMap<>(ServiceType.class);
        for (ServiceType type : ServiceType.values()) {
            ranges.put(type, type.defaultRange());
        }
        configured.forEach((name, text) -> {
            ServiceType type = ServiceType.fromWireName(name).orElseThrow(() -> new IllegalArgumentException(
                    "sirsi.ports.ranges." + name + ": unknown service type; expected one of " + ServiceType.wireNames()));
            try {
                ranges.put(type, PortRange.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sirsi.ports.ranges." + name + ": " + e.getMessage(), e);
            }
        });
        return ranges;
    }
}
