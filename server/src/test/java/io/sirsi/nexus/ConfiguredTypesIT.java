package io.sirsi.nexus;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configured service types across restarts of the packaged registry, and a start refused for a bad one. */
class ConfiguredTypesIT {

    @Test
    void allocationsOfATypeNoLongerConfiguredStillLoadAndKeepTheirPorts() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-types");
        String id;
        try (RegistryProcess registry = RegistryProcess.start(dataDir, "-Dsirsi.ports.ranges.ml-model=7000-7009")) {
            id = allocate(registry, "recommender", "ml-model").statusCode(200).body("allocation.port", equalTo(7000))
                    .extract().path("allocation.allocation_id");
        }
        // the range is gone; another type's range now covers its port
        try (RegistryProcess registry = RegistryProcess.start(dataDir, "-Dsirsi.ports.ranges.custom=7000-7009")) {
            registry.request().get("/ports/service/recommender").then().statusCode(200)
                    .body("port", equalTo(7000)).body("service_type", equalTo("ml-model"));
            allocate(registry, "other", "custom").statusCode(200).body("allocation.port", equalTo(7001));
            allocate(registry, "another", "ml-model").statusCode(400)
                    .body("detail", containsString("unknown service_type 'ml-model'"));
            registry.request().get("/ports/stats").then().body("service_types.ml-model", equalTo(1));
            registry.request().post("/ports/heartbeat/" + id).then().statusCode(200);
            List<String> warnings = registry.log().lines().filter(line -> line.contains("no longer configured"))
                    .toList();
            assertEquals(1, warnings.size(), registry.log()); // once, at start
            assertThat(warnings.get(0), containsString("WARN"));
            assertThat(warnings.get(0), containsString("Stored allocations name service types that are no longer"
                    + " configured: ml-model (1 allocation)"));
            registry.request().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + id + "\"}")
                    .post("/ports/release").then().statusCode(200);
        }
    }

    @Test
    void aBadTypeNameStopsTheStartNamingItsKey() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-types");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> RegistryProcess.start(dataDir, "-Dsirsi.ports.ranges.ML_Model=7000-7009").close());
        assertThat(refused.getMessage(), containsString("sirsi.ports.ranges.ML_Model: invalid service type name"
                + " 'ML_Model': 1-32 characters of a-z, 0-9 or '-', starting with a letter"));
    }

    private static io.restassured.response.ValidatableResponse allocate(RegistryProcess registry, String name,
            String type) {
        return registry.request().contentType(ContentType.JSON)
                .body("{\"service_name\":\"" + name + "\",\"service_type\":\"" + type + "\"}")
                .post("/ports/allocate").then();
    }
}
