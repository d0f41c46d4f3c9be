package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /ports/sd/prometheus}: Prometheus's HTTP SD format, its filters, and its errors. */
@QuarkusTest
class PrometheusSdTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void nothingRegisteredIsAnEmptyArray() {
        String body = sd("").statusCode(200).header("Content-Type", "application/json").extract().asString();
        assertEquals("[]", body);
    }

    @Test
    void everyActiveAllocationIsATargetGroupOfItsOwnWithExactLabels() {
        Registry.Granted orders = Registry.grant("orders", "rest-api");
        Registry.Granted sessions = Registry.grant("sessions", "cache");
        List<Map<String, Object>> groups = sd("").statusCode(200)
                .header("Content-Type", "application/json") // exactly: HTTP SD clients check it
                .extract().jsonPath().getList("$");
        assertEquals(List.of(
                group(sessions, "sessions", "cache"),
                group(orders, "orders", "rest-api")), groups);
    }

    @Test
    void filtersByTypeAndHost() {
        Registry.Granted orders = Registry.grant("orders", "rest-api");
        Registry.grant("sessions", "cache");
        sd("?type=rest-api").statusCode(200).body("targets.flatten()", contains("localhost:" + orders.port()));
        sd("?type=rest-api&type=cache").statusCode(200).body("size()", equalTo(2));
        sd("?type=grpc").statusCode(200).body("$", empty());
        sd("?host=localhost").statusCode(200).body("size()", equalTo(2));
        sd("?host=LocalHost&type=rest-api").statusCode(200).body("labels.__meta_sirsi_service", contains("orders"));
        sd("?host=node-2.example.com").statusCode(200).body("$", empty());
        sd("?host=::1").statusCode(200).body("$", empty());
        sd("?status=Active").statusCode(200).body("size()", equalTo(2));
        sd("?status=Expired").statusCode(200).body("$", empty());
    }

    @Test
    void aReleasedServiceLeavesTheTargets() {
        Registry.Granted orders = Registry.grant("orders", "rest-api");
        Registry.Granted billing = Registry.grant("billing", "rest-api");
        Registry.release(orders.allocationId()).statusCode(200);
        sd("").statusCode(200).body("labels.__meta_sirsi_allocation_id", contains(billing.allocationId()));
    }

    @Test
    void badFiltersAre400sThatNameTheAllowedValuesAndChangeNothing() {
        Registry.grant("orders", "rest-api");
        String before = Registry.overview();
        problem(sd("?type=rest"), "unknown service_type 'rest'; expected one of rest-api, grpc, websocket");
        problem(sd("?type="), "query parameter 'type' has no value");
        problem(sd("?status=active"), "unknown status 'active'; expected one of Active, Reserved, Expired");
        problem(sd("?host=bad_host"), "invalid host 'bad_host': expected a host name");
        problem(sd("?host=-leading.example.com"), "invalid host");
        problem(sd("?host=1:2:3:zz::1"), "invalid host");
        problem(sd("?stauts=Expired"), "unknown query parameter 'stauts'; known parameters: host, status, type");
        assertEquals(before, Registry.overview());
    }

    @Test
    void openApiDescribesTheEndpointAndItsFilters() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/ports/sd/prometheus'.get.parameters.name", containsInAnyOrder("type", "host", "status"))
                .body("paths.'/ports/sd/prometheus'.get.responses.keySet()", hasItems("200", "400"));
    }

    private static ValidatableResponse sd(String query) {
        return given().urlEncodingEnabled(false).when().get("/ports/sd/prometheus" + query).then();
    }

    private static void problem(ValidatableResponse response, String detail) {
        response.statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:sirsi-nexus:problem:invalid-request"))
                .body("detail", containsString(detail));
    }

    private static Map<String, Object> group(Registry.Granted granted, String service, String type) {
        return Map.of("targets", List.of("localhost:" + granted.port()), "labels", Map.of(
                "__meta_sirsi_service", service,
                "__meta_sirsi_type", type,
                "__meta_sirsi_host", "localhost",
                "__meta_sirsi_status", "Active",
                "__meta_sirsi_allocation_id", granted.allocationId(),
                "__meta_sirsi_protocol", "tcp"));
    }
}
