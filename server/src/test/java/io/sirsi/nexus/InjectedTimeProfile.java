package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.Set;

/**
 * The registry runs on {@link TestClock}: heartbeats time out after 10 s of the test's time, which passes only when
 * the test says so; the expiry pass looks every 100 ms; the scheduled cleanup is out of the way.
 */
public class InjectedTimeProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sirsi.ports.heartbeat-timeout", "10s", "sirsi.ports.cleanup-interval", "1h",
                "sirsi.ports.expiry-interval", "100ms");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(TestClock.class);
    }
}
