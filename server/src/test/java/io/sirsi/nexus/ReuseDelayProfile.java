package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The reuse delay at its default of 60 s of the test's clock, and a three-port range to run out of. */
public class ReuseDelayProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(new InjectedTimeProfile().getConfigOverrides());
        overrides.put("sirsi.ports.reuse-delay", "60s");
        overrides.put("sirsi.ports.ranges.security", "8300-8302");
        return overrides;
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return new InjectedTimeProfile().getEnabledAlternatives();
    }
}
