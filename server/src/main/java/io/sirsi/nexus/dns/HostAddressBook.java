package io.sirsi.nexus.dns;

import io.sirsi.nexus.registry.Hosts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Each host's name in the zone and its addresses. A host written as an address is its own address, {@code localhost}
 * is the loopback (RFC 6761), and configuration gives the others ({@code sirsi.dns.host-addresses}). Never asks DNS:
 * every address here is a literal.
 */
final class HostAddressBook {

    private static final List<InetAddress> LOOPBACK = List.of(literal("127.0.0.1"), literal("::1"));

    private final Map<String, List<InetAddress>> configured;

    private HostAddressBook(Map<String, List<InetAddress>> configured) {
        this.configured = configured;
    }

    /**
     * The configured addresses, checked: each key a valid host and each value an IP address.
     *
     * @throws IllegalArgumentException that names the setting and says what is wrong
     */
    static HostAddressBook of(Map<String, List<String>> hostAddresses) {
        Map<String, List<InetAddress>> configured = new LinkedHashMap<>();
        hostAddresses.forEach((name, values) -> {
            String setting = "sirsi.dns.host-addresses.\"" + name + "\"";
            String host = Hosts.normalize(name).orElseThrow(() -> new IllegalArgumentException(setting
                    + ": not a host name; expected " + Hosts.RULE));
            List<InetAddress> addresses = new ArrayList<>();
            for (String value : values) {
                addresses.add(address(value.strip()).orElseThrow(() -> new IllegalArgumentException(setting
                        + ": '" + value + "' is not an IP address (write e.g. 10.0.0.7 or fd00::7)")));
            }
            configured.put(host, List.copyOf(addresses));
        });
        return new HostAddressBook(configured);
    }

    /** The hosts configuration gives addresses for, so that their names exist even before they hold a port. */
    List<String> configuredHosts() {
        return List.copyOf(configured.keySet());
    }

    /** The host's addresses: configured ones first, then its own if it is written as one. */
    List<InetAddress> addresses(String host) {
        List<InetAddress> addresses = new ArrayList<>(configured.getOrDefault(host, List.of()));
        Optional<InetAddress> own = host.equals("localhost") ? Optional.empty() : address(host);
        own.filter(address -> !addresses.contains(address)).ifPresent(addresses::add);
        if (host.equals("localhost") && addresses.isEmpty()) {
            addresses.addAll(LOOPBACK);
        }
        return addresses;
    }

    /**
     * The host's name in the zone, before the {@code host} label: its own name, an IPv6 address with each ':' as
     * '-' (a ':' is no character of a host name), as the ipv6-literal.net convention writes it.
     */
    static String label(String host) {
        return host.replace(':', '-').toLowerCase(Locale.ROOT);
    }

    /** The address a host is written as; empty for a name. Parses literals only, so it never resolves anything. */
    private static Optional<InetAddress> address(String text) {
        Optional<String> canonical = Hosts.normalize(text);
        if (canonical.isEmpty() || !isLiteral(canonical.get())) {
            return Optional.empty();
        }
        return Optional.of(literal(canonical.get()));
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: parsed, never looked up
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException(address, impossible);
        }
    }
}
