package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The spec's contract on the packaged jar, the build in which start-up differs (the OpenAPI document built lazily,
 * the start path of {@code cli/SirsiNexusMain}). {@code @QuarkusIntegrationTest} launches the jar with no arguments;
 * the failsafe configuration passes {@code -Dsirsi.default-command=start} and the test profile through
 * {@code quarkus.test.arg-line} and {@code quarkus.test.integration-test-profile}.
 */
@QuarkusIntegrationTest
class SpecContractIT extends SpecContractTest {
}
