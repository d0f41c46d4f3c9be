package io.sirsi.nexus.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The hosts the registry allocates for, and the one rule for a host's name. Ports and service names are unique per
 * host; a host name is case-insensitive and kept lower-case, so {@code Node-A} and {@code node-a} are one host.
 */
public final class Hosts {

    /** A DNS name (RFC 1123 labels, which an IPv4 address also matches); IPv6 literals: {@link #isIpv6Literal}. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    public static final String RULE = "a host name of RFC 1123 labels (letters, digits and '-', separated by '.',"
            + " at most 253 characters, e.g. node-1.example.com), an IPv4 address or an IPv6 address";

    private final String defaultHost;
    /** Empty: any valid name is accepted. */
    private final Set<String> known;

    private Hosts(String defaultHost, Set<String> known) {
        this.defaultHost = defaultHost;
        this.known = known;
    }

    /**
     * The hosts of the configuration: the registry's own ({@code sirsi.ports.host}) and, when listed, the only ones
     * accepted ({@code sirsi.ports.hosts}), which must then include the registry's own.
     */
    static Hosts of(String defaultHost, Optional<List<String>> listed) {
        String own = normalize(defaultHost).orElseThrow(() -> new IllegalArgumentException(
                "sirsi.ports.host=" + defaultHost + ": expected " + RULE));
        SortedSet<String> known = new TreeSet<>();
        for (String host : listed.orElse(List.of())) {
            known.add(normalize(host.strip()).orElseThrow(() -> new IllegalArgumentException(
                    "sirsi.ports.hosts: '" + host + "' is not a host name; expected " + RULE)));
        }
        if (!known.isEmpty() && !known.contains(own)) {
            throw new IllegalArgumentException("sirsi.ports.hosts=" + String.join(",", known) + " does not include"
                    + " sirsi.ports.host=" + own + ", the host the registry answers for by default; add it");
        }
        return new Hosts(own, Collections.unmodifiableSortedSet(known));
    }

    /** The name, lower-cased, if it is a valid host name; never asks DNS. */
    public static Optional<String> normalize(String name) {
        if (name != null && (HOST_NAME.matcher(name).matches() || isIpv6Literal(name))) {
            return Optional.of(name.toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
    }

    /** The host named in a request, lower-cased, or a 400 that says what a host looks like. */
    public static String parse(String name) {
        return normalize(name).orElseThrow(() -> new InvalidRequestException("invalid host '"
                + InvalidRequestException.shown(name) + "': expected " + RULE));
    }

    /** The host a request names, checked against the configured list; the registry's own when absent. */
    public String resolve(Optional<String> requested) {
        if (requested.isEmpty()) {
            return defaultHost;
        }
        String host = parse(requested.get());
        if (!known.isEmpty() && !known.contains(host)) {
            throw new InvalidRequestException("unknown host '" + host + "'; this registry allocates for "
                    + String.join(", ", known) + " (sirsi.ports.hosts)");
        }
        return host;
    }

    /** The registry's own host: where the bind probe applies, and what a request without a host means. */
    public String defaultHost() {
        return defaultHost;
    }

    /** The configured hosts with those that hold allocations, sorted; the registry's own always among them. */
    public List<String> withHolders(Collection<String> holding) {
        Set<String> all = new TreeSet<>(known);
        all.add(defaultHost);
        all.addAll(holding);
        return List.copyOf(all);
    }

    /** Whether only the configured hosts are accepted. */
    public boolean restricted() {
        return !known.isEmpty();
    }

    /** Java reads a name with ':' as an IPv6 literal only, so this never asks DNS. */
    private static boolean isIpv6Literal(String text) {
        if (!text.contains(":") || !IPV6_CHARACTERS.matcher(text).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException malformed) {
            return false;
        }
    }
}
