package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running registry and comes back: meanwhile requests fail cleanly (readiness 503,
 * problem+json 503, no 500), and afterwards the same process serves again without a restart.
 */
class DatabaseRestartIT {

    @Test
    void requestsFailCleanlyWhileTheDatabaseIsDownAndRecoverAfter() throws Exception {
        TestPostgresql database = TestPostgresql.require();
        database.empty();
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-restart"),
                database.registryProperties())) {
            String before = registry.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"before\",\"service_type\":\"rest-api\"}")
                    .post("/ports/allocate").then().statusCode(200).extract().path("allocation.allocation_id");

            database.stopServer();
            try {
                registry.request().get("/q/health/ready").then().statusCode(503)
                        .body("status", equalTo("DOWN"));
                registry.request().contentType(ContentType.JSON)
                        .body("{\"service_name\":\"during\",\"service_type\":\"rest-api\"}")
                        .post("/ports/allocate").then().statusCode(503)
                        .contentType(startsWith("application/problem+json"))
                        .body("status", equalTo(503)).body("success", equalTo(false));
                registry.request().get("/ports/service/before").then().statusCode(503)
                        .contentType(startsWith("application/problem+json"));
                // health answers in its own shape, counting what the index holds (a replica cannot read the log now)
                registry.request().get("/ports/health").then().statusCode(503).body("store", equalTo("down"))
                        .body("total_allocations", equalTo(1));
            } finally {
                database.startServer();
            }

            awaitReady(registry);
            registry.request().get("/ports/service/before").then().statusCode(200)
                    .body("allocation_id", equalTo(before));
            registry.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"after\",\"service_type\":\"rest-api\"}")
                    .post("/ports/allocate").then().statusCode(200).body("allocation.port", equalTo(8081));
        }
    }

    private static void awaitReady(RegistryProcess registry) throws InterruptedException {
        await().alias("the registry ready again after the database's return").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> registry.request().get("/q/health/ready").statusCode() == 200);
    }
}
