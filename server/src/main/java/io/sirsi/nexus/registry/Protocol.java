package io.sirsi.nexus.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The transport a service receives on at its port, as a Kubernetes port declares it. It decides what the host's
 * agent counts as the service listening (a TCP socket in LISTEN, or a bound UDP socket), the SRV name that offers it
 * ({@code _tcp} or {@code _udp}), and whether it can have a check (checks connect over TCP). A port is one service's
 * whatever its protocol: the registry never grants the UDP and TCP port of one number to two services, since the
 * host's agent keeps any bound port, TCP or UDP, from being granted there.
 */
public enum Protocol {
    /** The default, as the spec's services are: HTTP, gRPC, WebSocket, databases and caches all take TCP. */
    TCP,
    /** A service that only receives datagrams: syslog, StatsD, a DNS server without TCP, QUIC. */
    UDP;

    /** The spelling on the wire and in the store: {@code tcp}, {@code udp}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, failing with a message that lists the valid ones. */
    public static Protocol parse(String name) {
        return fromWireName(name).orElseThrow(() -> new InvalidRequestException("unknown protocol '"
                + InvalidRequestException.shown(name) + "'; expected one of " + Arrays.stream(values())
                .map(Protocol::wireName).collect(Collectors.joining(", "))));
    }

    public static Optional<Protocol> fromWireName(String name) {
        return Arrays.stream(values()).filter(protocol -> protocol.wireName().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
