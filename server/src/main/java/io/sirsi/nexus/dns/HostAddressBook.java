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
import java.util.function.Function;

/**
 * Each host's name in the zone and its addresses, in this order of authority: the operator's configuration
 * ({@code sirsi.dns.host-addresses}); a host written as an address, which is its own address; {@code localhost}, the
 * loopback (RFC 6761); and for any other host the addresses its agent reports. Never asks DNS: every address here is
 * a literal.
 */
final class HostAddressBook {

    private static final List<InetAddress> LOOPBACK = List.of(literal("127.0.0.1"), literal("::1"));

    private final Map<String, List<InetAddress>> configured;
    private final Function<String, List<String>> reported;

    private HostAddressBook(Map<String, List<InetAddress>> configured, Function<String, List<String>> reported) {
        this.configured = configured;
        this.reported = reported;
    }

    /**
     * The configured addresses, checked: each key a valid host and each value an IP address; and where to read the
     * addresses agents report, canonical IP text.
     *
     * @throws IllegalArgumentException that names the setting and says what is wrong
     */
    static HostAddressBook of(Map<String, List<String>> hostAddresses, Function<String, List<String>> reported) {
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
        return new HostAddressBook(configured, reported);
    }

    /** The hosts configuration gives addresses for, so that their names exist even before they hold a port. */
    List<String> configuredHosts() {
        return List.copyOf(configured.keySet());
    }

    /**
     * The host's addresses: configured ones first, then its own if it is written as one; for a host with neither,
     * the loopback for {@code localhost} and what its agent reports for any other. An operator's word and a host's
     * own address are never mixed with an agent's report, which may name interfaces other machines cannot reach.
     */
    List<InetAddress> addresses(String host) {
        List<InetAddress> addresses = new ArrayList<>(configured.getOrDefault(host, List.of()));
        Optional<InetAddress> own = host.equals("localhost") ? Optional.empty() : address(host);
        own.filter(address -> !addresses.contains(address)).ifPresent(addresses::add);
        if (!addresses.isEmpty()) {
            return addresses;
        }
        if (host.equals("localhost")) {
            return LOOPBACK;
        }
        for (String text : reported.apply(host)) {
            address(text).ifPresent(addresses::add);
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
        return Hosts.address(text).map(HostAddressBook::literal);
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: parsed, never looked up
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException(address, impossible);
        }
    }
}
