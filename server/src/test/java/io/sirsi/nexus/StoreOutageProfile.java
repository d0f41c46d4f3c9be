package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Set;

/** The store can be taken down ({@link WriteFailingStore#goDown}) while the test's clock stands still. */
public class StoreOutageProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(WriteFailingStore.class, TestClock.class);
    }
}
