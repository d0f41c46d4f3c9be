package io.sirsi.nexus.dns;

import io.sirsi.nexus.registry.ConfigConverters;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The DNS interface's settings, under {@code sirsi.dns}. Every key is listed in the README. */
@ConfigMapping(prefix = "sirsi.dns")
public interface DnsConfig {

    /** Whether the registry answers DNS at all; it does by default. */
    @WithDefault("true")
    @WithConverter(ConfigConverters.Switch.class)
    boolean enabled();

    /** The address the DNS server listens on, UDP and TCP. */
    @WithDefault("0.0.0.0")
    String host();

    /** The port, UDP and TCP; 0 picks a free one and logs it. */
    @WithDefault("8600")
    int port();

    /** The zone answered: a name ending in a dot; questions for any other name are refused. */
    @WithDefault("sirsi.")
    String domain();

    /**
     * The TTL of every answer, and of the negative answers (the SOA's minimum): short, because an instance that is
     * released, expires or drains must leave resolvers' caches within seconds, and answering again costs little.
     */
    @WithDefault("5s")
    Duration ttl();

    /**
     * How long a TCP client has to send each whole message, from its connection's opening or its previous message:
     * one that sends nothing, or a message a byte at a time, holds a socket no longer (RFC 7766 6.2.3, 6.2.4).
     */
    @WithDefault("10s")
    Duration tcpTimeout();

    /** At most this many TCP connections open at once; beyond, a new one is closed as soon as it is accepted. */
    @WithDefault("256")
    int maxTcpConnections();

    /**
     * Addresses of hosts whose name is not an address: {@code sirsi.dns.host-addresses."node1.example.com"=
     * 10.0.0.1,fd00::1}. A host written as an address is its own address, and {@code localhost} is the loopback.
     */
    Map<String, List<String>> hostAddresses();
}
