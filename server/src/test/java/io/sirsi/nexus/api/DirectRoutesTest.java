package io.sirsi.nexus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;

/** The registration answers with the direct routes on (the default): eleven of the requests take them. */
@QuarkusTest
class DirectRoutesTest extends RegistrationAnswersContract {

    @Override
    void expectServed(long served, String what) {
        assertEquals(11, served, what + " should all be answered by the direct routes");
    }
}
