package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A registry that allocates for three named hosts only, and places ports the same-port way by default. */
public class KnownHostsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sirsi.ports.hosts", "localhost, node-a,Node-B", "sirsi.ports.strategy", "same-port");
    }
}
