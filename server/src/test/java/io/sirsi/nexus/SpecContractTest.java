package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spec's API examples, request for request: field names, shapes and types are a contract. */
@QuarkusTest
class SpecContractTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z";
    private static final List<String> ALLOCATION_FIELDS = List.of("port", "service_name", "service_type",
            "allocation_id", "allocated_at", "last_heartbeat", "status", "process_id", "host");

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void allocateAnswersAsTheSpecShows() {
        Map<String, Object> body = Registry.allocate("""
                {
                  "service_name": "my-api",
                  "service_type": "rest-api",
                  "preferred_port": 8080,
                  "required": false
                }""")
                .statusCode(200)
                .contentType("application/json")
                .body("success", equalTo(true))
                .body("message", equalTo("Port allocated successfully"))
                .body("allocation.port", equalTo(8080))
                .body("allocation.service_name", equalTo("my-api"))
                .body("allocation.service_type", equalTo("rest-api"))
                .body("allocation.allocation_id", matchesPattern(UUID))
                .body("allocation.allocated_at", matchesPattern(UTC))
                .body("allocation.last_heartbeat", matchesPattern(UTC))
                .body("allocation.status", equalTo("Active"))
                .body("allocation.process_id", nullValue())
                .body("allocation.host", equalTo("localhost"))
                .extract().jsonPath().getMap("$");
        @SuppressWarnings("unchecked")
        Map<String, Object> allocation = (Map<String, Object>) body.get("allocation");
        assertEquals(Set.of("success", "allocation", "message"), body.keySet());
        assertEquals(Set.copyOf(ALLOCATION_FIELDS), allocation.keySet());
    }

    @Test
    void directoryIsKeyedByServiceName() {
        Registry.Granted granted = Registry.grant("my-api", "rest-api");
        given().when().get("/ports/directory").then()
                .statusCode(200)
                .body("$", aMapWithSize(1))
                .body("my-api.port", equalTo(granted.port()))
                .body("my-api.service_name", equalTo("my-api"))
                .body("my-api.service_type", equalTo("rest-api"))
                .body("my-api.allocation_id", equalTo(granted.allocationId()))
                .body("my-api.status", equalTo("Active"))
                .body("my-api.process_id", nullValue())
                .body("my-api.host", equalTo("localhost"));
    }

    @Test
    void overviewHasEverySection() {
        Registry.allocate("my-api", "rest-api", 8080, false).statusCode(200);
        given().when().get("/ports/overview").then()
                .statusCode(200)
                .body("total_ports", equalTo(1))
                .body("active_services", equalTo(1))
                .body("port_allocations.my-api.port", equalTo(8080))
                .body("port_allocations.my-api.status", equalTo("Active"))
                .body("port_usage.'8080'", equalTo("my-api"))
                .body("service_types.rest-api", contains("my-api"))
                .body("registry_stats.total_allocations", equalTo(1))
                .body("registry_stats.active_allocations", equalTo(1))
                .body("registry_stats.reserved_allocations", equalTo(0))
                .body("registry_stats.expired_allocations", equalTo(0))
                .body("registry_stats.service_types.rest-api", equalTo(1));
    }

    @Test
    void heartbeatAnswersSuccessAsAString() {
        Registry.Granted granted = Registry.grant("my-api", "rest-api");
        Registry.heartbeat(granted.allocationId())
                .statusCode(200)
                .body("success", equalTo("true"))
                .body("message", equalTo("Heartbeat successful"));
    }

    @Test
    void releaseAnswersSuccessAsAStringAndFreesThePort() {
        Registry.Granted granted = Registry.grant("my-api", "rest-api");
        Registry.release(granted.allocationId())
                .statusCode(200)
                .body("success", equalTo("true"))
                .body("message", equalTo("Port released successfully"));
        given().when().get("/ports/port/" + granted.port()).then().statusCode(404);
        given().when().get("/ports/directory").then().body("$", aMapWithSize(0));
    }
}
