package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health probes, Prometheus metrics and the OpenAPI document. */
@QuarkusTest
class ObservabilityTest {

    @Test
    void probesAreUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("allocation-store"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("registry-loaded"));
    }

    @Test
    void registryMetersAreExported() {
        Registry.Granted granted = Registry.grant("metered", "cache");
        Registry.heartbeat(granted.allocationId()).statusCode(200);
        Registry.allocate("metered-2", "cache", granted.port(), true).statusCode(409);
        Registry.release(granted.allocationId()).statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("sirsi_allocations{host=\"localhost\",status=\"Active\",type=\"cache\""))
                .body(containsString("sirsi_range_utilisation{host=\"localhost\",type=\"rest-api\""))
                .body(containsString("sirsi_allocations_granted_total{host=\"localhost\",type=\"cache\""))
                .body(containsString("sirsi_allocations_released_total"))
                .body(containsString("sirsi_heartbeats_total"))
                .body(containsString("sirsi_allocations_expired_total"))
                .body(containsString("sirsi_allocations_conflicts_total{reason=\"port_unavailable\""));
    }

    /** The counters count what happened, once each: read before and after, the differences are exact. */
    @Test
    void changeCountersCountEachCommittedChangeOnce() {
        Map<String, Double> before = Metrics.scrape();
        Registry.Granted first = Registry.grant("counted-1", "analytics");
        Registry.grant("counted-2", "analytics");
        Registry.allocate("counted-1", "analytics").statusCode(200);
        Registry.allocate("counted-3", "analytics", first.port(), true).statusCode(409);
        Registry.heartbeat(first.allocationId()).statusCode(200);
        Registry.release(first.allocationId()).statusCode(200);
        Map<String, Double> after = Metrics.scrape();

        assertEquals(2.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"allocated\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"renewed\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"released\"}"));
        assertEquals(0.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"expired\"}"));
        assertEquals(2.0, Metrics.delta(before, after,
                "sirsi_allocations_granted_total{host=\"localhost\",type=\"analytics\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_allocations_released_total"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_heartbeats_total"));
        assertEquals(1.0, Metrics.delta(before, after,
                "sirsi_allocations_conflicts_total{reason=\"port_unavailable\"}"));
    }

    @Test
    void openApiDescribesEveryEndpoint() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/ports/allocate'.post.requestBody", org.hamcrest.Matchers.notNullValue())
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems("/ports/allocate", "/ports/release",
                        "/ports/heartbeat/{allocation_id}", "/ports/cleanup", "/ports/directory",
                        "/ports/service/{service_name}", "/ports/port/{port}", "/ports/type/{service_type}",
                        "/ports/overview", "/ports/stats", "/ports/health", "/ports/ranges", "/ports/events",
                        "/ports/history"))
                .body("components.schemas.Problem.properties.keySet()", hasItem("detail"));
    }

    @Test
    void openApiNamesFieldsAsTheyAreOnTheWire() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("components.schemas.AllocateRequest.properties.keySet()", org.hamcrest.Matchers.containsInAnyOrder(
                        "service_name", "service_type", "preferred_port", "required", "process_id", "host", "strategy",
                        "avoid_ports"))
                .body("components.schemas.AllocateRequest.required", org.hamcrest.Matchers.containsInAnyOrder(
                        "service_name", "service_type"))
                .body("components.schemas.ReleaseRequest.properties.keySet()", org.hamcrest.Matchers.contains(
                        "allocation_id"))
                .body("components.schemas.AllocationView.properties.keySet()", org.hamcrest.Matchers.hasItems(
                        "allocation_id", "service_name", "service_type", "last_heartbeat", "allocated_at"));
    }
}
