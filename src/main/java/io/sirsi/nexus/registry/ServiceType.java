package io.sirsi.nexus.registry;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of service the registry hands ports to, each with the port range the spec gives it. */
public enum ServiceType {
    REST_API("rest-api", new PortRange(8080, 8099)),
    GRPC("grpc", new PortRange(50050, 50099)),
    WEBSOCKET("websocket", new PortRange(8100, 8199)),
    DATABASE("database", new PortRange(5400, 5499)),
    CACHE("cache", new PortRange(6300, 6399)),
    ANALYTICS("analytics", new PortRange(8200, 8299)),
    SECURITY("security", new PortRange(8300, 8399)),
    FRONTEND("frontend", new PortRange(3000, 3099)),
    CUSTOM("custom", new PortRange(9000, 9999));

    private final String wireName;
    private final PortRange defaultRange;

    ServiceType(String wireName, PortRange defaultRange) {
        this.wireName = wireName;
        this.defaultRange = defaultRange;
    }

    /** The name used on the wire, in configuration keys and on the command line, e.g. {@code rest-api}. */
    public String wireName() {
        return wireName;
    }

    public PortRange defaultRange() {
        return defaultRange;
    }

    public static Optional<ServiceType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }

    /** Parses a wire name, failing with a message that lists the valid ones. */
    public static ServiceType parse(String name) {
        return fromWireName(name).orElseThrow(() -> new InvalidRequestException(
                "unknown service_type '" + name + "'; expected one of " + wireNames()));
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(ServiceType::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
