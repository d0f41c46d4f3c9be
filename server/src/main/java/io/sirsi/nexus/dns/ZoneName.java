package io.sirsi.nexus.dns;

import io.sirsi.nexus.registry.Protocol;
import io.sirsi.nexus.registry.ServiceNames;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a name in the zone means, by the grammar the README gives (Z is the zone, {@code sirsi.} by default):
 * <pre>
 * Z                                    the apex (SOA)
 * &lt;host&gt;.host.Z                         the host's addresses (A, AAAA)
 * &lt;service&gt;.service[.&lt;host&gt;.host].Z     the service's instances (SRV; A, AAAA: their hosts' addresses)
 * _&lt;service&gt;._tcp[.&lt;host&gt;.host].Z        its TCP instances, as RFC 2782 writes it (_udp: its UDP ones)
 * &lt;type&gt;.type[.&lt;host&gt;.host].Z           every instance of a service type
 * </pre>
 * A service name may have dots, so a name is read from the right: the keyword ({@code service}, {@code _tcp},
 * {@code _udp}, {@code type}) nearest the start that leaves a known host after it (or nothing) decides. The keywords
 * alone ({@code service.Z}, {@code host.Z}, {@code service.<host>.host.Z}, ...) are empty non-terminals: they exist and
 * hold nothing; so are the names between a dotted host and its keyword ({@code 0.2.host.Z} of {@code 10.0.0.2}).
 */
sealed interface ZoneName {

    /** Outside the zone: refused, this is no recursor. */
    record Outside() implements ZoneName {
    }

    /** The zone's own name. */
    record Apex() implements ZoneName {
    }

    /** A name that exists only because names below it do. */
    record Structure() implements ZoneName {
    }

    /**
     * {@code <labels>._tcp[.<host>.host].Z} (or {@code _udp}) without the leading underscore: no service's own name,
     * but the empty non-terminal of one whose dotted name ends in those labels ({@code v2._tcp.Z} of
     * {@code _api.v2._tcp.Z}). Whatever the service's protocol: a name above one that may exist is never denied.
     */
    record Below(String suffix, Optional<String> host) implements ZoneName {
    }

    /** A name the grammar or the registry does not know. */
    record Unknown() implements ZoneName {
    }

    /** A host's own name. */
    record HostName(String host) implements ZoneName {
    }

    /** Instances: of a service (by name) or of a service type, on any host or on one, of one protocol or any. */
    record Instances(boolean byType, String name, Optional<String> host, Optional<Protocol> protocol)
            implements ZoneName {
    }

    Set<String> KEYWORDS = Set.of("service", "_tcp", "_udp", "type");

    /** The hosts the zone names, by their {@link HostAddressBook#label}. */
    interface KnownHosts {

        /** The known host whose label is the given text. */
        Optional<String> byLabel(String label);

        /**
         * Whether a known host's label ends in {@code .suffix}: a host's label may have dots, so {@code 2.host.Z}
         * exists, empty, when {@code 10.0.0.2} is a host.
         */
        boolean anyBelow(String suffix);
    }

    /**
     * Reads a question's name.
     *
     * @param name lower-case, ending in a dot, as {@link WireNames} gives it: a dot inside a label escaped
     * @param zone lower-case, ending in a dot
     */
    static ZoneName parse(String name, String zone, KnownHosts hosts) {
        List<String> all = WireNames.labels(name);
        List<String> zoneLabels = WireNames.labels(zone);
        int inZone = all.size() - zoneLabels.size();
        if (inZone < 0 || !all.subList(inZone, all.size()).equals(zoneLabels)) {
            return new Outside();
        }
        if (inZone == 0) {
            return new Apex();
        }
        List<String> labels = all.subList(0, inZone);
        if (labels.stream().anyMatch(label -> label.indexOf('.') >= 0)) {
            return new Unknown(); // no name of the zone has a dot inside a label: every dot of a name is a boundary
        }
        int last = labels.size() - 1;
        if (labels.get(last).equals("host")) {
            if (last == 0) {
                return new Structure();
            }
            String hostLabel = String.join(".", labels.subList(0, last));
            Optional<String> host = hosts.byLabel(hostLabel);
            if (host.isPresent()) {
                return new HostName(host.get());
            }
            for (int keyword = 0; keyword < last - 1; keyword++) {
                Optional<String> on = hosts.byLabel(String.join(".", labels.subList(keyword + 1, last)));
                if (KEYWORDS.contains(labels.get(keyword)) && on.isPresent()) {
                    return selection(labels.get(keyword), labels.subList(0, keyword), on);
                }
            }
            return hosts.anyBelow(hostLabel) ? new Structure() : new Unknown();
        }
        if (KEYWORDS.contains(labels.get(last))) {
            return selection(labels.get(last), labels.subList(0, last), Optional.empty());
        }
        return new Unknown();
    }

    private static ZoneName selection(String keyword, List<String> selector, Optional<String> host) {
        if (selector.isEmpty()) {
            return new Structure();
        }
        String text = String.join(".", selector);
        return switch (keyword) {
            case "service" -> ServiceNames.isValid(text) ? new Instances(false, text, host, Optional.empty())
                    : new Unknown();
            case "_tcp", "_udp" -> text.startsWith("_") ? ServiceNames.isValid(text.substring(1))
                    ? new Instances(false, text.substring(1), host, Protocol.fromWireName(keyword.substring(1)))
                    : new Unknown()
                    : new Below(text, host);
            default -> new Instances(true, text, host, Optional.empty());
        };
    }
}
