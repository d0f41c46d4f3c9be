package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Heartbeats time out after a second and the scheduled cleanup runs every second. */
public class ScheduledCleanupProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sirsi.ports.heartbeat-timeout", "1s", "sirsi.ports.cleanup-interval", "1s");
    }
}
