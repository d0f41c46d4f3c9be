package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.Set;

/**
 * The scheduled cleanup runs every second, on the registry's clock that the test moves ({@link TestClock}):
 * heartbeats time out after 10 s of the test's time, and a host whose services all fall silent is not held
 * (self-preservation off), so a lone allocation can expire.
 */
public class ScheduledCleanupProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sirsi.ports.heartbeat-timeout", "10s", "sirsi.ports.cleanup-interval", "1s",
                "sirsi.ports.expiry-interval", "100ms", "sirsi.ports.self-preservation.threshold", "1");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(TestClock.class);
    }
}
