package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.builder.Version;
import org.junit.jupiter.api.Test;

/**
 * {@code io.quarkus.smallrye.openapi.runtime.LazyOpenApiDocumentService} overrides a package-private method of the
 * OpenAPI extension to keep the document out of start-up, which Quarkus itself does again after 3.33
 * (quarkusio/quarkus#55538). No configuration key of 3.33 gives the same start-up ({@code always-run-filter} moves
 * filters to each request, not the document's build), so the class stays, and this test makes sure it does not
 * outlive its reason: it fails on the first Quarkus version past 3.33.x. docs/decisions.md, "The lazy OpenAPI
 * stopgap is pinned to 3.33".
 */
class LazyOpenApiStopgapTest {

    @Test
    void theStopgapIsDeletedWhenQuarkusMovesPast333() {
        String version = Version.getVersion();
        assertTrue(version.startsWith("3.33."), "Quarkus is " + version + ": delete"
                + " src/main/java/io/quarkus/smallrye/openapi/runtime/LazyOpenApiDocumentService.java (upstream builds"
                + " the OpenAPI document lazily since quarkusio/quarkus#55538), its OpenApiDocumentIT assertions that"
                + " start-up deferred the document, and this test; then compare start-up with bench/server-startup");
    }
}
