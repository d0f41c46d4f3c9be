package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Service types defined by {@code sirsi.ports.ranges.<name>}: valid wherever a built-in type is. */
@QuarkusTest
@TestProfile(ConfiguredTypesProfile.class)
class ConfiguredTypesTest {

    private static final String EXPECTED = "expected one of rest-api, grpc, websocket, database, cache, analytics,"
            + " security, frontend, custom, ml-batch, ml-model";

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void aConfiguredTypeIsAllocatedFromItsRangeAndFoundByType() {
        Registry.allocate("recommender", "ml-model").statusCode(200)
                .body("allocation.port", equalTo(7000)).body("allocation.service_type", equalTo("ml-model"));
        given().when().get("/ports/type/ml-model").then().statusCode(200)
                .body("service_name", contains("recommender")).body("port", contains(7000));
        given().when().get("/ports/type/ml-batch").then().statusCode(200)
                .body("service_name", contains("model-store"));
        given().when().get("/ports/stats").then().statusCode(200)
                .body("service_types.ml-model", equalTo(1)).body("service_types.ml-batch", equalTo(1));
        given().when().get("/ports/overview").then().statusCode(200)
                .body("service_types.ml-model", contains("recommender"));
    }

    @Test
    void rangesListConfiguredTypesAfterTheSpecsAndSayWhichOverlapTheEphemeralPorts() {
        Registry.allocate("recommender", "ml-model").statusCode(200);
        Registry.allocate("trainer", "ml-batch").statusCode(200).body("allocation.port", equalTo(7005));
        Map<String, Map<String, Object>> ranges = given().when().get("/ports/ranges").then().statusCode(200)
                .body("ml-model.first_port", equalTo(7000)).body("ml-model.last_port", equalTo(7009))
                .body("ml-model.size", equalTo(10))
                // 7005 lies in both ranges, so it counts in both
                .body("ml-model.in_use", equalTo(2)).body("ml-batch.in_use", equalTo(2)) // and the static 7014
                .body("ml-batch.available", equalTo(8))
                .body("ml-model.overlaps_ephemeral", equalTo(true))
                .body("ml-batch.overlaps_ephemeral", equalTo(false))
                .body("grpc.overlaps_ephemeral", equalTo(false)) // this profile's ephemeral range is 7000-7002
                .extract().jsonPath().getMap("$");
        assertEquals(List.of("rest-api", "grpc", "websocket", "database", "cache", "analytics", "security",
                "frontend", "custom", "ml-batch", "ml-model"), new ArrayList<>(ranges.keySet()));
        ranges.forEach((type, range) -> assertEquals(List.of("service_type", "first_port", "last_port", "size",
                "in_use", "reserved", "available", "cooling", "overlaps_ephemeral"), new ArrayList<>(range.keySet()),
                type));
    }

    @Test
    void anUnknownTypeIsStillA400ListingTheConfiguredOnes() {
        String before = Registry.overview();
        Registry.allocate("soapy", "soap").statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("unknown service_type 'soap'; " + EXPECTED));
        given().when().get("/ports/type/soap").then().statusCode(400).body("detail", containsString(EXPECTED));
        given().when().get("/ports/history?type=soap").then().statusCode(400).body("detail", containsString(EXPECTED));
        given().when().get("/ports/sd/prometheus?type=soap").then().statusCode(400)
                .body("detail", containsString(EXPECTED));
        assertEquals(before, Registry.overview());
    }

    @Test
    void aStaticReservationMayBeOfAConfiguredType() {
        given().when().get("/ports/service/model-store").then().statusCode(200)
                .body("port", equalTo(7014)).body("service_type", equalTo("ml-batch"))
                .body("status", equalTo("Reserved"));
        Registry.allocate("intruder", "ml-batch", 7014, true).statusCode(409)
                .body("detail", containsString("'model-store'"));
    }

    @Test
    void historyEventsDiscoveryAndAnalyticsFilterByAConfiguredType() {
        Registry.allocate("recommender", "ml-model").statusCode(200);
        Registry.allocate("orders", "rest-api").statusCode(200);
        given().when().get("/ports/history?type=ml-model&limit=1").then().statusCode(200)
                .body("[0].allocation.service_name", equalTo("recommender"));
        given().when().get("/ports/sd/prometheus?type=ml-model").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].targets", contains("localhost:7000"));
        given().when().get("/ports/analytics?window=1h").then().statusCode(200)
                .body("types.ml-model.in_use", equalTo(1)).body("types.ml-batch", notNullValue());
    }

    @Test
    void configuredTypesHaveTheirMeters() {
        Map<String, Double> before = Metrics.scrape();
        Registry.allocate("recommender", "ml-model").statusCode(200);
        Map<String, Double> after = Metrics.scrape();
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_allocations_granted_total{host=\"localhost\",type=\"ml-model\"}"));
        assertEquals(10.0, after.get("sirsi_range_size{host=\"localhost\",type=\"ml-model\"}"));
        assertTrue(after.containsKey("sirsi_allocations{host=\"localhost\",status=\"Active\",type=\"ml-model\"}"), after.toString());
    }

    @Test
    void theOpenApiDocumentNoLongerClaimsTheListOfTypesIsClosed() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("components.schemas.AllocateRequest.properties.service_type.enum", nullValue())
                .body("components.schemas.AllocateRequest.properties.service_type.description",
                        containsString("sirsi.ports.ranges.<type>"))
                .body("paths.'/ports/ranges'.get.responses.'200'.content.'application/json'.schema"
                        + ".additionalProperties.$ref", equalTo("#/components/schemas/Range"))
                .body("components.schemas.Range.properties.keySet()", hasItem("overlaps_ephemeral"));
    }
}
