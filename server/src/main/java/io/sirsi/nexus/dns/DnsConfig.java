package io.sirsi.nexus.dns;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The DNS interface's settings, under {@code sirsi.dns}. Every key is listed in the README. */
@ConfigMapping(prefix = "sirsi.dns")
public interface DnsConfig {

    /** Whether the registry answers DNS at all; it does by default. */
    @WithDefault("true")
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
     * Addresses of hosts whose name is not an address: {@code sirsi.dns.host-addresses."node1.example.com"=
     * 10.0.0.1,fd00::1}. A host written as an address is its own address, and {@code localhost} is the loopback.
     */
    Map<String, List<String>> hostAddresses();
}
