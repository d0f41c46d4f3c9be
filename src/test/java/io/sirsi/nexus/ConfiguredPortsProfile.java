package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Small ranges, reserved ports, a static reservation, and the bind check on. */
public class ConfiguredPortsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sirsi.ports.ranges.security", "8300-8303",
                "sirsi.ports.ranges.grpc", "50050-50052",
                "sirsi.ports.reserved-ports", "8300,8301,8090",
                "sirsi.ports.static.postgres", "database:5432",
                "sirsi.ports.bind-check", "true");
    }
}
