package io.sirsi.nexus.dns;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Addresses for a host known by name, as an operator gives them, and a TTL to see in answers. */
public class DnsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sirsi.dns.host-addresses.\"node-a\"", "10.0.0.1,fd00::1", "sirsi.dns.ttl", "7s");
    }
}
