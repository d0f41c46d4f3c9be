package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With {@code sirsi.ports.hosts} set, only those hosts are accepted; {@code sirsi.ports.strategy} sets the default. */
@QuarkusTest
@TestProfile(KnownHostsProfile.class)
class KnownHostsTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void anUnlistedHostIsA400NamingTheKnownOnes() {
        String before = Registry.overview();
        MultiHostTest.allocate("svc", "cache", "node-c", "").statusCode(400)
                .body("detail", equalTo("unknown host 'node-c'; this registry allocates for localhost, node-a, node-b"
                        + " (sirsi.ports.hosts)"));
        given().get("/ports/directory?host=node-c").then().statusCode(400).body("detail", containsString("node-c"));
        given().contentType("application/json").body("{\"service_name\":\"svc\",\"service_type\":\"cache\","
                + "\"instances\":1,\"hosts\":[\"node-c\"]}").post("/ports/scale").then().statusCode(400);
        assertEquals(before, Registry.overview());
        MultiHostTest.allocate("svc", "cache", "NODE-B", "").statusCode(200).body("allocation.host",
                equalTo("node-b"));
    }

    @Test
    void everyListedHostIsKnownBeforeItHoldsAnything() {
        assertEquals(Set.of("localhost", "node-a", "node-b"),
                given().get("/ports/hosts").then().statusCode(200).extract().jsonPath().getMap("$").keySet());
    }

    @Test
    void theConfiguredStrategyIsTheDefault() {
        MultiHostTest.allocate("api", "grpc", "node-a", ",\"preferred_port\":50060").statusCode(200);
        MultiHostTest.allocate("api", "grpc", "node-b", "").statusCode(200)
                .body("allocation.port", equalTo(50060));
        MultiHostTest.allocate("api", "grpc", null, ",\"strategy\":\"first-free\"").statusCode(200)
                .body("allocation.port", equalTo(50050));
    }

    @Test
    void scaleWithoutHostsSpreadsOverTheListedOnes() {
        given().contentType("application/json").body("{\"service_name\":\"web\",\"service_type\":\"frontend\","
                + "\"instances\":3}").post("/ports/scale").then().statusCode(200).body("added", equalTo(3))
                .body("instances.host", equalTo(java.util.List.of("localhost", "node-a", "node-b")));
    }
}
