package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Set;

/** The store is wrapped in {@link WriteFailingStore}, so that a test can make its writes fail. */
public class StoreFailureProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(WriteFailingStore.class);
    }
}
