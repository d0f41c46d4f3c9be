package io.sirsi.nexus.registry;

import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The service types this registry accepts, each with its range: the spec's types in the spec's order, then those
 * that {@code sirsi.ports.ranges.<name>} defines, by name. The one place a type name is resolved; resources reach it
 * through {@link PortRegistry#types()}. Read at start-up, so that a bad name or range stops the registry with a
 * message naming its key; overlapping ranges, and ranges among the machine's ephemeral ports, are logged then.
 */
@Startup
@Singleton
public final class ServiceTypes {

    private static final Logger LOG = Logger.getLogger(ServiceTypes.class);
    private static final String RANGES_KEY = "sirsi.ports.ranges.";

    private final Map<String, ServiceType> byName;
    private final Map<ServiceType, PortRange> ranges;
    /** Position in the listing order, for sorting counts by type the way the ranges are listed. */
    private final Map<ServiceType, Integer> positions;
    private final Optional<PortRange> ephemeral;
    private final String ephemeralSource;

    @Inject
    public ServiceTypes(RegistryConfig config) {
        this(config.ranges(), readEphemeralRange(Path.of(config.ephemeralRangeFile())), config.ephemeralRangeFile());
        overlaps().forEach(LOG::info);
        ephemeralWarnings().forEach(LOG::warn);
    }

    private ServiceTypes(Map<String, PortRange> configured, Optional<PortRange> ephemeral, String ephemeralSource) {
        Map<ServiceType, PortRange> ordered = new LinkedHashMap<>();
        ServiceType.builtIn().forEach(type -> ordered.put(type, type.specRange().orElseThrow()));
        Map<ServiceType, PortRange> added = new TreeMap<>(Comparator.comparing(ServiceType::wireName));
        // the ranges come read (ConfigConverters.Range); their keys, the types' names, are checked here
        new TreeMap<>(configured).forEach((name, range) -> {
            ServiceType type;
            try {
                type = ServiceType.named(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(RANGES_KEY + name + ": " + e.getMessage(), e);
            }
            (type.isBuiltIn() ? ordered : added).put(type, range);
        });
        ordered.putAll(added);
        this.ranges = Collections.unmodifiableMap(ordered);
        this.byName = new LinkedHashMap<>();
        this.positions = new LinkedHashMap<>();
        ordered.keySet().forEach(type -> {
            byName.put(type.wireName(), type);
            positions.put(type, positions.size());
        });
        this.ephemeral = ephemeral;
        this.ephemeralSource = ephemeralSource;
    }

    /** A catalog of the spec's types with these ranges, for tests. */
    public static ServiceTypes of(Map<String, PortRange> configured, Optional<PortRange> ephemeral) {
        return new ServiceTypes(configured, ephemeral, "the given ephemeral range");
    }

    /** The type of this name, if this registry accepts it. */
    public Optional<ServiceType> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Resolves a type name from a request, failing with a message that lists the valid ones. */
    public ServiceType parse(String name) {
        return find(name).orElseThrow(() -> new InvalidRequestException("unknown service_type '"
                + InvalidRequestException.shown(name) + "'; expected one of " + wireNames()));
    }

    public String wireNames() {
        return String.join(", ", byName.keySet());
    }

    /** Every type, in listing order. */
    public List<ServiceType> all() {
        return List.copyOf(ranges.keySet());
    }

    /** Whether this registry accepts the type (a stored allocation may name one no longer configured). */
    public boolean accepts(ServiceType type) {
        return ranges.containsKey(type);
    }

    /** The range of every type, in listing order. */
    public Map<ServiceType, PortRange> ranges() {
        return ranges;
    }

    /** Listing order: the types of the catalog as listed, then any others (no longer configured) by name. */
    public Comparator<ServiceType> order() {
        return Comparator.<ServiceType>comparingInt(type -> positions.getOrDefault(type, Integer.MAX_VALUE))
                .thenComparing(ServiceType::wireName);
    }

    /** Whether the type's range shares a port with the machine's ephemeral range (false when that is unknown). */
    public boolean overlapsEphemeral(ServiceType type) {
        PortRange range = ranges.get(type);
        return range != null && ephemeral.filter(ports -> overlap(range, ports)).isPresent();
    }

    /** One line for each pair of types whose ranges overlap, which is allowed: what it means. */
    List<String> overlaps() {
        List<String> lines = new ArrayList<>();
        List<Map.Entry<ServiceType, PortRange>> entries = List.copyOf(ranges.entrySet());
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                Map.Entry<ServiceType, PortRange> a = entries.get(i);
                Map.Entry<ServiceType, PortRange> b = entries.get(j);
                if (overlap(a.getValue(), b.getValue())) {
                    lines.add("The ranges of " + a.getKey() + " (" + a.getValue() + ") and " + b.getKey() + " ("
                            + b.getValue() + ") overlap: a port they share goes to whichever type asks first, and"
                            + " counts as in use in both ranges");
                }
            }
        }
        return lines;
    }

    /** One line for each range among the machine's ephemeral ports: why that matters and what to do. */
    List<String> ephemeralWarnings() {
        return ranges.entrySet().stream().filter(entry -> overlapsEphemeral(entry.getKey()))
                .map(entry -> "The range of " + entry.getKey() + " (" + entry.getValue() + ") overlaps this"
                        + " machine's ephemeral port range " + ephemeral.orElseThrow() + " (" + ephemeralSource
                        + "): outgoing connections take their local ports from there, so a port granted to a service"
                        + " may already be taken by a client socket, and a service listening on one keeps outgoing"
                        + " connections from using it. Move the range (" + RANGES_KEY + entry.getKey() + ") or add "
                        + entry.getValue() + " to net.ipv4.ip_local_reserved_ports")
                .toList();
    }

    private static boolean overlap(PortRange a, PortRange b) {
        return a.first() <= b.last() && b.first() <= a.last();
    }

    /**
     * The ephemeral port range written in the file ({@code FIRST LAST}, as Linux's
     * {@code /proc/sys/net/ipv4/ip_local_port_range}); empty when there is none to read, as on other systems.
     */
    static Optional<PortRange> readEphemeralRange(Path file) {
        String text;
        // read to the end, not by its size: Files.readString trusts the size /proc reports (0) and returned "3"
        try (InputStream in = Files.newInputStream(file)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException | SecurityException e) {
            LOG.debugf("No ephemeral port range read from %s (%s); no range is taken to overlap it", file, e);
            return Optional.empty();
        }
        String[] ends = text.split("\\s+");
        try {
            if (ends.length == 2) {
                return Optional.of(new PortRange(Integer.parseInt(ends[0]), Integer.parseInt(ends[1])));
            }
        } catch (IllegalArgumentException malformed) {
            // said below, with the text
        }
        LOG.warnf("%s holds '%s', not an ephemeral port range (FIRST LAST); no range is taken to overlap it", file,
                text);
        return Optional.empty();
    }
}
