package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Heartbeats time out after a second; the scheduled cleanup is out of the way so tests can watch Expired. */
public class ShortTimeoutsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sirsi.ports.heartbeat-timeout", "1s", "sirsi.ports.cleanup-interval", "1h");
    }
}
