package io.sirsi.nexus;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The packaged registry builds its OpenAPI document on the first request for it, not while it starts
 * (io.quarkus.smallrye.openapi.runtime.LazyOpenApiDocumentService), and serves the same document in both formats.
 */
class OpenApiDocumentIT {

    private static final String BUILT = "Built the OpenAPI document";

    @Test
    void theDocumentIsBuiltOnceOnItsFirstRequest() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-openapi"),
                "-Dquarkus.log.category.\"io.quarkus.smallrye.openapi.runtime\".level=DEBUG")) {
            registry.request().get("/ports/stats").then().statusCode(200);
            assertEquals(0, builds(registry), registry.log()); // started, serving, and not built yet

            registry.request().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                    .body("info.title", equalTo("sirsi-nexus port registry"))
                    .body("paths.'/ports/allocate'.post", notNullValue());
            registry.request().get("/q/openapi").then().statusCode(200)
                    .body(containsString("title: sirsi-nexus port registry"));
            registry.request().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
            assertEquals(1, builds(registry), registry.log());
        }
    }

    private static long builds(RegistryProcess registry) throws Exception {
        return registry.log().lines().filter(line -> line.contains(BUILT)).count();
    }
}
