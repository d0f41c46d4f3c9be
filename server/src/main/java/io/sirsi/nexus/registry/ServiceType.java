package io.sirsi.nexus.registry;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A kind of service the registry hands ports to, named by its wire name. The spec's nine are the constants here,
 * each with the spec's range; any other name is a type defined by configuration ({@code sirsi.ports.ranges.<name>}).
 * Which types a registry accepts, and their ranges, is its {@link ServiceTypes} catalog's to say.
 *
 * <p>A value: two types are equal when their names are, so a type read back from the store equals the configured one
 * of that name (and one no longer configured still loads). Compare with {@code equals}, never {@code ==}.
 */
public final class ServiceType {

    public static final String PATTERN = "[a-z][a-z0-9-]{0,31}";
    /** The store's column is {@code varchar(32)}, hence the length. */
    public static final String RULE = "1-32 characters of a-z, 0-9 or '-', starting with a letter";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    public static final ServiceType REST_API = new ServiceType("rest-api", new PortRange(8080, 8099));
    public static final ServiceType GRPC = new ServiceType("grpc", new PortRange(50050, 50099));
    public static final ServiceType WEBSOCKET = new ServiceType("websocket", new PortRange(8100, 8199));
    public static final ServiceType DATABASE = new ServiceType("database", new PortRange(5400, 5499));
    public static final ServiceType CACHE = new ServiceType("cache", new PortRange(6300, 6399));
    public static final ServiceType ANALYTICS = new ServiceType("analytics", new PortRange(8200, 8299));
    public static final ServiceType SECURITY = new ServiceType("security", new PortRange(8300, 8399));
    public static final ServiceType FRONTEND = new ServiceType("frontend", new PortRange(3000, 3099));
    public static final ServiceType CUSTOM = new ServiceType("custom", new PortRange(9000, 9999));

    /** In the spec's order, which is the order every listing of types keeps. */
    private static final List<ServiceType> BUILT_IN = List.of(REST_API, GRPC, WEBSOCKET, DATABASE, CACHE, ANALYTICS,
            SECURITY, FRONTEND, CUSTOM);

    private final String wireName;
    /** Null for a type defined by configuration. */
    private final PortRange specRange;

    private ServiceType(String wireName, PortRange specRange) {
        this.wireName = wireName;
        this.specRange = specRange;
    }

    /**
     * The type of this name: a built-in one, or one defined by configuration. Says nothing of whether a registry
     * accepts it; that is {@link ServiceTypes#parse}.
     *
     * @throws IllegalArgumentException the name breaks {@link #RULE}
     */
    public static ServiceType named(String name) {
        for (ServiceType type : BUILT_IN) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid service type name '" + name + "': " + RULE);
        }
        return new ServiceType(name, null);
    }

    public static boolean isValidName(String name) {
        return name != null && COMPILED.matcher(name).matches();
    }

    /** The spec's types, in the spec's order. */
    public static List<ServiceType> builtIn() {
        return BUILT_IN;
    }

    /** The name used on the wire, in configuration keys and on the command line, e.g. {@code rest-api}. */
    public String wireName() {
        return wireName;
    }

    /** The spec's range of a built-in type; empty for a type defined by configuration. */
    public Optional<PortRange> specRange() {
        return Optional.ofNullable(specRange);
    }

    public boolean isBuiltIn() {
        return specRange != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServiceType type && type.wireName.equals(wireName);
    }

    @Override
    public int hashCode() {
        return wireName.hashCode();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
