package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Small ranges, reserved ports, a static reservation, and the bind check on. */
public class ConfiguredPortsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sirsi.ports.ranges.security", "8300-8303",
                // below the ephemeral ports (Linux's default 32768-60999): a client connection elsewhere in the
                // test run cannot be holding one of them, as one held two of 50050-50052 in a CI run
                "sirsi.ports.ranges.grpc", "30050-30059",
                "sirsi.ports.reserved-ports", "8300,8301,8090",
                "sirsi.ports.static.postgres", "database:5432",
                "sirsi.ports.bind-check", "true");
    }
}
