package io.sirsi.nexus.api.security;

import io.sirsi.nexus.dns.DnsClients;
import jakarta.inject.Singleton;
import java.net.InetAddress;

/**
 * {@link ProtectedMode} for the DNS interface: a registry without API keys answers DNS from this machine only, as it
 * answers HTTP. DNS carries no key, so with keys configured every client is answered: what DNS tells (services, hosts
 * and ports) is what Prometheus SD tells a reader.
 */
@Singleton
public class ProtectedDnsClients implements DnsClients {

    private final ApiKeys keys;

    public ProtectedDnsClients(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public boolean admits(InetAddress client) {
        return keys.configured() || client.isLoopbackAddress(); // an IPv4-mapped address arrives as IPv4
    }
}
