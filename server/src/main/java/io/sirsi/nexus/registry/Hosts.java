package io.sirsi.nexus.registry;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The hosts the registry allocates for, and the one rule for a host's name. Ports and service names are unique per
 * host; a host name is case-insensitive and kept lower-case, so {@code Node-A} and {@code node-a} are one host, and a
 * host written as an address has one form ({@link HostAddresses}), so {@code 0:0::1} and {@code ::1} are one host.
 */
public final class Hosts {

    private static final int MAX_NAME_LENGTH = 253;
    /** RFC 1123 labels; the length is checked before, and addresses by {@link HostAddresses}. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    public static final String RULE = "a host name of RFC 1123 labels (letters, digits and '-', separated by '.',"
            + " at most 253 characters, e.g. node-1.example.com), an IPv4 address or an IPv6 address";

    private final String defaultHost;
    /** Empty: any valid name is accepted. */
    private final Set<String> known;
    /** At most this many hosts known at once, when {@link #known} is empty ({@code sirsi.ports.max-hosts}). */
    private final int maxHosts;

    private Hosts(String defaultHost, Set<String> known, int maxHosts) {
        this.defaultHost = defaultHost;
        this.known = known;
        this.maxHosts = maxHosts;
    }

    /**
     * The hosts of the configuration: the registry's own ({@code sirsi.ports.host}) and, when listed, the only ones
     * accepted ({@code sirsi.ports.hosts}), which must then include the registry's own; otherwise at most
     * {@code maxHosts} known at once.
     */
    static Hosts of(String defaultHost, Optional<List<String>> listed, int maxHosts) {
        if (maxHosts < 1) {
            throw new IllegalArgumentException("sirsi.ports.max-hosts must be at least 1, got " + maxHosts);
        }
        String own = configured("sirsi.ports.host=" + defaultHost + ": ", defaultHost);
        SortedSet<String> known = new TreeSet<>();
        for (String host : listed.orElse(List.of())) {
            known.add(configured("sirsi.ports.hosts: '" + host + "' is not a host name; ", host.strip()));
        }
        if (!known.isEmpty() && !known.contains(own)) {
            throw new IllegalArgumentException("sirsi.ports.hosts=" + String.join(",", known) + " does not include"
                    + " sirsi.ports.host=" + own + ", the host the registry answers for by default; add it");
        }
        return new Hosts(own, Collections.unmodifiableSortedSet(known), maxHosts);
    }

    private static String configured(String refusalStart, String host) {
        try {
            return canonical(host);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(refusalStart + invalid.getMessage(), invalid);
        }
    }

    /** The host's one form (a name lower-cased, an address canonical), if it is a valid host; never asks DNS. */
    public static Optional<String> normalize(String name) {
        try {
            return Optional.of(canonical(name));
        } catch (IllegalArgumentException invalid) {
            return Optional.empty();
        }
    }

    /** The one form of an IP address written as text; empty for a name or for text that is no host. Never asks DNS. */
    public static Optional<String> address(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_NAME_LENGTH) {
            return Optional.empty();
        }
        try {
            return HostAddresses.canonical(text);
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /** Whether the host is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z) by its one form; never asks DNS. */
    public static boolean isLoopbackAddress(String host) {
        return normalize(host).map(form -> form.equals("::1") || isIpv4Loopback(form)).orElse(false);
    }

    private static boolean isIpv4Loopback(String form) {
        return form.startsWith("127.") && form.chars().filter(c -> c == '.').count() == 3
                && form.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** The host named in a request in its one form, or a 400 that says what a host looks like. */
    public static String parse(String name) {
        try {
            return canonical(name);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidRequestException("invalid host '" + InvalidRequestException.shown(name) + "': "
                    + invalid.getMessage());
        }
    }

    /** @throws IllegalArgumentException that says what is wrong with the name */
    private static String canonical(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("expected " + RULE);
        }
        Optional<String> address = HostAddresses.canonical(name);
        if (address.isPresent()) {
            return address.get();
        }
        if (!HOST_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("expected " + RULE);
        }
        return name.toLowerCase(Locale.ROOT);
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

    /**
     * Refuses a host that holds nothing yet when {@code sirsi.ports.max-hosts} hosts are known already, so that free
     * host names cannot grow the registry without bound. A host that no longer holds anything no longer counts.
     *
     * @param knownNow the hosts known now ({@link #withHolders}), asked only for a host that may be new
     */
    public void admitNew(String host, Supplier<List<String>> knownNow) {
        if (restricted() || host.equals(defaultHost)) {
            return; // the configured list is the bound, and the registry's own host is always known
        }
        List<String> hostsNow = knownNow.get();
        if (hostsNow.size() >= maxHosts && !hostsNow.contains(host)) {
            throw new TooManyHostsException("host '" + host + "' would be one host too many: " + hostsNow.size()
                    + " hosts are known (the registry's own and those holding allocations), and"
                    + " sirsi.ports.max-hosts is " + maxHosts + "; release every allocation of a host"
                    + " that is gone (GET /ports/hosts lists them), or raise the bound");
        }
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
}
