package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** API keys (as Prometheus would send a reader's), a static reservation, and the test's clock ({@link TestClock}). */
public class PrometheusSdProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new java.util.HashMap<>(new ApiKeysProfile().getConfigOverrides());
        overrides.putAll(new InjectedTimeProfile().getConfigOverrides());
        overrides.put("sirsi.ports.static.postgres", "database:5432");
        return overrides;
    }

    @Override
    public java.util.Set<Class<?>> getEnabledAlternatives() {
        return new InjectedTimeProfile().getEnabledAlternatives();
    }
}
