package io.sirsi.nexus;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The packaged registry builds its OpenAPI document on the first request for it, not while it starts
 * (io.quarkus.smallrye.openapi.runtime.LazyOpenApiDocumentService), and serves the same document in both formats.
 */
class OpenApiDocumentIT {

    private static final String DEFERRED = "Deferred the OpenAPI document";
    private static final String BUILT = "Built the OpenAPI document";

    @Test
    void theDocumentIsBuiltOnceOnItsFirstRequest() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-openapi"),
                "-Dquarkus.log.category.\"io.quarkus.smallrye.openapi.runtime\".level=DEBUG")) {
            registry.request().get("/ports/stats").then().statusCode(200);
            registry.awaitLogLines(DEFERRED, 1); // start-up deferred it, and serves without it
            assertEquals(0, registry.logLines(BUILT), registry.log());

            registry.request().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                    .body("info.title", equalTo("sirsi-nexus port registry"))
                    .body("paths.'/ports/allocate'.post", notNullValue());
            registry.request().get("/q/openapi").then().statusCode(200)
                    .body(containsString("title: sirsi-nexus port registry"));
            registry.request().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
            registry.awaitLogLines(BUILT, 1);
            registry.request().get("/q/openapi").then().statusCode(200);
            // a line logged after the last request: once it is written, so is anything that request logged
            registry.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"after-openapi\",\"service_type\":\"custom\"}")
                    .post("/ports/allocate").then().statusCode(200);
            registry.awaitLogLines("to after-openapi", 1);
            assertEquals(1, registry.logLines(BUILT), registry.log()); // once, not per request
        }
    }
}
