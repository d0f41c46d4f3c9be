package io.sirsi.nexus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/** The registration answers with the direct routes off ({@code sirsi.api.direct-routes=false}): all by JAX-RS. */
@QuarkusTest
@TestProfile(JaxRsRegistrationTest.DirectRoutesOff.class)
class JaxRsRegistrationTest extends RegistrationAnswersContract {

    @Override
    void expectServed(long served, String what) {
        assertEquals(0, served, what + " should all be answered by JAX-RS");
    }

    public static class DirectRoutesOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sirsi.api.direct-routes", "false");
        }
    }
}
