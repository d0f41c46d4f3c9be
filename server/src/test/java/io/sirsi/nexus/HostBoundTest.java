package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Free-form host names cannot grow the registry without bound: past {@code sirsi.ports.max-hosts} known hosts an
 * allocation on a new host is a 409 that changes nothing, and a host whose allocations are gone no longer counts.
 */
@QuarkusTest
@TestProfile(HostBoundTest.ThreeHosts.class)
class HostBoundTest {

    /** The registry's own host and two more. */
    public static class ThreeHosts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sirsi.ports.max-hosts", "3");
        }
    }

    private static String on(String host, String name) {
        return "{\"service_name\":\"" + name + "\",\"service_type\":\"rest-api\",\"host\":\"" + host + "\"}";
    }

    @Test
    void aHostPastTheBoundIsRefusedUntilAnotherHostHoldsNothing() {
        Registry.releaseAll();
        Registry.allocate(on("mh-1", "a")).statusCode(200);
        Registry.allocate(on("mh-2", "b")).statusCode(200);
        Registry.allocate(on("mh-2", "c")).statusCode(200); // a known host takes more
        Registry.allocate(on("localhost", "d")).statusCode(200); // the registry's own is always known

        String before = Registry.overview();
        Registry.allocate(on("mh-3", "e")).statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("sirsi.ports.max-hosts is 3"));
        given().contentType("application/json").body("{\"service_name\":\"f\",\"service_type\":\"rest-api\","
                + "\"instances\":1,\"hosts\":[\"mh-3\"]}").post("/ports/scale").then().statusCode(409)
                .body("detail", containsString("sirsi.ports.max-hosts is 3"));
        given().get("/ports/hosts").then().body("size()", equalTo(3));
        assertEquals(before, Registry.overview());
        given().get("/ports/allocations?host=mh-3").then().statusCode(200).body("size()", equalTo(0));

        Registry.releaseAll(); // mh-1 and mh-2 hold nothing now, so they count no more
        Registry.allocate(on("mh-3", "e")).statusCode(200);
        Registry.allocate(on("mh-4", "g")).statusCode(200);
        Registry.allocate(on("mh-5", "h")).statusCode(409);
    }

    /** A host put in maintenance is a host the registry knows, bounded as the others. */
    @Test
    void aHostInMaintenanceCountsTowardsTheBound() {
        Registry.releaseAll();
        Registry.allocate(on("mh-1", "a")).statusCode(200);
        maintain("mh-7").statusCode(200); // the registry's own, mh-1 and mh-7
        String before = Registry.overview();
        maintain("mh-8").statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("sirsi.ports.max-hosts is 3"));
        given().get("/ports/hosts").then().body("size()", equalTo(3)).body("'mh-8'", nullValue());
        assertEquals(before, Registry.overview());
        maintain("mh-1").statusCode(200); // a known host
        given().contentType("application/json").body("{\"host\":\"mh-7\"}").post("/ports/undrain").then()
                .statusCode(200);
        maintain("mh-8").statusCode(200);
        for (String host : new String[] {"mh-1", "mh-8"}) {
            given().contentType("application/json").body("{\"host\":\"" + host + "\"}").post("/ports/undrain")
                    .then().statusCode(200);
        }
    }

    private static io.restassured.response.ValidatableResponse maintain(String host) {
        return given().contentType("application/json").body("{\"host\":\"" + host + "\",\"for\":\"1h\"}")
                .post("/ports/drain").then();
    }
}
