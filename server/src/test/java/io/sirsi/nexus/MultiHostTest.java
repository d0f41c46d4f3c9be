package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Allocation across hosts: ports and names unique per host, instances of one service on several hosts, reads for
 * one host, placement strategies, ports to avoid, and scaling. The registry's own host is {@code localhost}.
 */
@QuarkusTest
class MultiHostTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    static ValidatableResponse allocate(String name, String type, String host, String extra) {
        return Registry.allocate("{\"service_name\":\"" + name + "\",\"service_type\":\"" + type + "\""
                + (host == null ? "" : ",\"host\":\"" + host + "\"") + extra + "}");
    }

    @Test
    void theSamePortIsHeldOnTwoHostsAndOneNameIsSeveralInstances() {
        allocate("orders", "rest-api", "node-a", "").statusCode(200).body("allocation.port", equalTo(8080))
                .body("allocation.host", equalTo("node-a"));
        allocate("orders", "rest-api", "Node-B", "").statusCode(200).body("allocation.port", equalTo(8080))
                .body("allocation.host", equalTo("node-b"));
        allocate("billing", "rest-api", null, "").statusCode(200).body("allocation.port", equalTo(8080))
                .body("allocation.host", equalTo("localhost"));
        // asked again under another spelling of the host: the same allocation, renewed
        allocate("orders", "rest-api", "NODE-A", "").statusCode(200)
                .body("message", containsString("already holds"));

        given().get("/ports/instances/orders").then().statusCode(200).body("$", hasSize(2))
                .body("host", equalTo(List.of("node-a", "node-b")));
        given().get("/ports/instances/ghost").then().statusCode(404).body("detail", containsString("ghost"));
        given().get("/ports/service/orders").then().statusCode(200).header("X-Sirsi-Instances", "2")
                .body("host", equalTo("node-a"));
        given().get("/ports/service/orders?host=node-b").then().statusCode(200).body("host", equalTo("node-b"));
        given().get("/ports/service/orders?host=localhost").then().statusCode(404)
                .body("detail", containsString("on host localhost"));
        given().get("/ports/service/billing").then().statusCode(200).header("X-Sirsi-Instances", "1");
    }

    @Test
    void readsAnswerForTheRegistrysOwnHostUnlessAskedForAnother() {
        allocate("web", "frontend", null, "").statusCode(200);
        allocate("edge", "frontend", "node-a", "").statusCode(200);
        allocate("cache", "cache", "node-a", "").statusCode(200);

        given().get("/ports/directory").then().body("$", hasKey("web")).body("$", not(hasKey("edge")));
        given().get("/ports/directory?host=node-a").then().body("$", hasKey("edge")).body("$", hasKey("cache"))
                .body("$", not(hasKey("web")));
        given().get("/ports/port/3000").then().body("service_name", equalTo("web"));
        given().get("/ports/port/3000?host=node-a").then().body("service_name", equalTo("edge"));
        given().get("/ports/port/6300").then().statusCode(404);
        given().get("/ports/type/frontend?host=node-a").then().body("service_name", equalTo(List.of("edge")));
        given().get("/ports/stats?host=node-a").then().body("total_allocations", equalTo(2))
                .body("service_types.cache", equalTo(1));
        given().get("/ports/stats").then().body("total_allocations", equalTo(1));
        given().get("/ports/overview?host=node-a").then().body("total_ports", equalTo(2))
                .body("port_usage.'3000'", equalTo("edge"));
        given().get("/ports/ranges?host=node-a").then().body("cache.in_use", equalTo(1));
        given().get("/ports/ranges?host=node-z").then().statusCode(200).body("cache.in_use", equalTo(0));
        given().get("/ports/allocations").then().body("host", equalTo(List.of("localhost", "node-a", "node-a")))
                .body("port", equalTo(List.of(3000, 3000, 6300)));
        given().get("/ports/allocations?host=node-a&status=Active").then().body("$", hasSize(2));
        given().get("/ports/allocations?status=Gone").then().statusCode(400).body("detail", containsString("Gone"));

        JsonPath hosts = given().get("/ports/hosts").then().statusCode(200).extract().jsonPath();
        assertEquals(Set.of("localhost", "node-a"), hosts.getMap("$").keySet());
        assertEquals(2, hosts.getInt("'node-a'.total_allocations"));
        assertEquals(2, hosts.getInt("'node-a'.active_allocations"));
        assertEquals(0, hosts.getInt("'node-a'.expired_allocations"));
        assertEquals(1, hosts.getInt("'node-a'.types.cache.in_use"));
        assertEquals(99, hosts.getInt("'node-a'.types.cache.available"));
        assertEquals(100, hosts.getInt("localhost.types.cache.available"));
        given().get("/ports/health").then().body("host", equalTo("localhost"));
    }

    /** /ports/hosts lists every host, so host is a filter there; health is the registry's and takes none. */
    @Test
    void hostsFiltersByHostAndHealthRefusesOne() {
        allocate("edge", "frontend", "node-a", "").statusCode(200);
        JsonPath one = given().get("/ports/hosts?host=Node-A").then().statusCode(200).extract().jsonPath();
        assertEquals(Set.of("node-a"), one.getMap("$").keySet());
        assertEquals(1, one.getInt("'node-a'.total_allocations"));
        given().get("/ports/hosts?host=node-z").then().statusCode(200).body("$", equalTo(Map.of()));
        given().get("/ports/hosts?host=bad_host").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("invalid host 'bad_host'"));
        given().get("/ports/health?host=node-a").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("/ports/health takes no host"));
        given().get("/ports/health").then().statusCode(200);
    }

    @Test
    void aMalformedHostIsA400ThatSaysWhatIsWrongAndChangesNothing() {
        String before = Registry.overview();
        for (String host : List.of("\"\"", "\"-node\"", "\"a..b\"", "\"node_a\"", "\"" + "a".repeat(254) + "\"",
                "\"" + ("a".repeat(63) + ".").repeat(4) + "a\"", "5", "true", "[\"node-a\"]", "{}")) {
            Registry.allocate("{\"service_name\":\"svc\",\"service_type\":\"cache\",\"host\":" + host + "}")
                    .statusCode(400).body("detail", containsString("host"));
        }
        given().get("/ports/directory?host=bad_host").then().statusCode(400)
                .body("detail", containsString("invalid host 'bad_host'"));
        given().get("/ports/hosts").then().body("$", not(hasKey("")));
        assertEquals(before, Registry.overview());
        // null is the field left out: the registry's own host
        Registry.allocate("{\"service_name\":\"svc\",\"service_type\":\"cache\",\"host\":null}").statusCode(200)
                .body("allocation.host", equalTo("localhost"));
    }

    @Test
    void aPortOtherThanThePreferredOneComesWithTheReason() {
        allocate("holder", "cache", null, ",\"preferred_port\":6305").statusCode(200)
                .body("message", equalTo("Port allocated successfully"));
        allocate("second", "cache", null, ",\"preferred_port\":6305").statusCode(200)
                .body("allocation.port", equalTo(6300))
                .body("message", containsString("preferred port 6305 is not available: held by service 'holder'"))
                .body("message", containsString("granted 6300"));
        // on another host the preferred port is free
        allocate("second", "cache", "node-a", ",\"preferred_port\":6305").statusCode(200)
                .body("allocation.port", equalTo(6305)).body("message", equalTo("Port allocated successfully"));
    }

    @Test
    void avoidedPortsAreNeverGrantedAndAServiceOnOneIsMoved() {
        allocate("svc", "cache", "node-a", ",\"avoid_ports\":[6300,6301]").statusCode(200)
                .body("allocation.port", equalTo(6302));
        String moved = allocate("svc", "cache", "node-a", ",\"avoid_ports\":[6302]").statusCode(200)
                .body("allocation.port", equalTo(6300))
                .body("message", containsString("released port 6302, which the request avoids"))
                .extract().path("allocation.allocation_id");
        given().get("/ports/instances/svc").then().body("$", hasSize(1))
                .body("[0].allocation_id", equalTo(moved));
        allocate("svc", "cache", "node-a", ",\"preferred_port\":6310,\"required\":true,\"avoid_ports\":[6310]")
                .statusCode(400).body("detail", containsString("avoid_ports"));
        for (String bad : List.of("[0]", "[70000]", "[null]", "[\"6300\"]", "6300", "[6300.5]")) {
            allocate("other", "cache", "node-a", ",\"avoid_ports\":" + bad).statusCode(400);
        }
        String many = IntStream.range(0, 65).mapToObj(i -> Integer.toString(6300 + i))
                .reduce((a, b) -> a + "," + b).orElseThrow();
        allocate("other", "cache", "node-a", ",\"avoid_ports\":[" + many + "]").statusCode(400)
                .body("detail", containsString("at most 64"));
    }

    @Test
    void samePortGrantsThePortTheServiceHoldsOnItsOtherHosts() {
        allocate("api", "rest-api", "node-a", ",\"preferred_port\":8085").statusCode(200);
        allocate("api", "rest-api", "node-b", ",\"strategy\":\"same-port\"").statusCode(200)
                .body("allocation.port", equalTo(8085))
                .body("message", containsString("granted 8085 (same-port: the port 'api' holds on node-a)"));
        allocate("squatter", "rest-api", "node-c", ",\"preferred_port\":8085").statusCode(200);
        allocate("api", "rest-api", "node-c", ",\"strategy\":\"same-port\"").statusCode(200)
                .body("allocation.port", equalTo(8080))
                .body("message", containsString("port 8085 (same-port: the port 'api' holds on node-a, node-b) is not available"))
                .body("message", containsString("granted 8080, the first free port"));
        // without other instances same-port is first-free
        allocate("solo", "rest-api", "node-d", ",\"strategy\":\"same-port\"").statusCode(200)
                .body("allocation.port", equalTo(8080)).body("message", equalTo("Port allocated successfully"));
    }

    @Test
    void stickyGrantsThePortTheServiceHeldLastOnTheHost() {
        String id = allocate("worker", "analytics", "node-a", ",\"preferred_port\":8250").statusCode(200)
                .extract().path("allocation.allocation_id");
        Registry.release(id).statusCode(200);
        allocate("worker", "analytics", "node-a", ",\"strategy\":\"sticky\"").statusCode(200)
                .body("allocation.port", equalTo(8250))
                .body("message", containsString("granted 8250 (sticky: the port 'worker' held last on node-a, released at"));
        // first-free ignores the memory
        Registry.release(given().get("/ports/service/worker").then().extract().path("allocation_id"))
                .statusCode(200);
        allocate("worker", "analytics", "node-a", "").statusCode(200).body("allocation.port", equalTo(8200));
    }

    @Test
    void randomGrantsDistinctFreePortsOfTheRange() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            int port = allocate("r" + i, "security", "node-a", ",\"strategy\":\"random\"").statusCode(200)
                    .extract().path("allocation.port");
            assertTrue(port >= 8300 && port <= 8399, "port " + port + " outside the security range");
            assertTrue(ports.add(port), "port " + port + " granted twice");
        }
        assertNotEquals(Set.copyOf(IntStream.range(8300, 8330).boxed().toList()), ports,
                "thirty random ports were exactly the first thirty");
        allocate("x", "security", null, ",\"strategy\":\"best-fit\"").statusCode(400)
                .body("detail", containsString("unknown strategy 'best-fit'; expected one of first-free, random,"
                        + " same-port, sticky"));
    }

    @Test
    void scaleAddsToHostsWithoutAnInstanceAndReleasesTheNewestFirst() {
        allocate("filler", "cache", "node-a", "").statusCode(200);
        allocate("web", "frontend", "node-b", "").statusCode(200);
        JsonPath up = scale("{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":3,"
                + "\"hosts\":[\"node-a\",\"node-b\",\"node-c\"],\"strategy\":\"same-port\"}").statusCode(200)
                .body("success", equalTo(true)).body("added", equalTo(2)).body("removed", equalTo(0))
                .extract().jsonPath();
        assertEquals(List.of("node-a", "node-b", "node-c"), up.getList("instances.host"));
        assertEquals(List.of(3000, 3000, 3000), up.getList("instances.port"));
        String before = Registry.overview();
        scale("{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":5,"
                + "\"hosts\":[\"node-a\",\"node-b\",\"node-c\"]}").statusCode(409)
                .body("detail", containsString("at most one instance per host"));
        scale("{\"service_name\":\"web\",\"service_type\":\"cache\",\"instances\":1}").statusCode(409)
                .body("detail", containsString("as frontend"));
        for (String bad : List.of("{\"service_name\":\"web\",\"service_type\":\"frontend\"}",
                "{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":-1}",
                "{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":1,\"hosts\":[]}",
                "{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":1,\"hosts\":[\"a_b\"]}",
                "{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":\"2\"}")) {
            scale(bad).statusCode(400);
        }
        assertEquals(before, Registry.overview());

        JsonPath down = scale("{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":1}")
                .statusCode(200).body("added", equalTo(0)).body("removed", equalTo(2)).extract().jsonPath();
        // the two added together are newer than node-b's
        assertEquals(List.of("node-b"), down.getList("instances.host"), "the oldest instance stays");
        scale("{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":1}").statusCode(200)
                .body("message", containsString("already has 1 instance"));
        scale("{\"service_name\":\"web\",\"service_type\":\"frontend\",\"instances\":0}").statusCode(200)
                .body("instances", hasSize(0));
        given().get("/ports/instances/web").then().statusCode(404);
    }

    @Test
    void scaleWithoutHostsUsesEveryKnownHostTheEmptiestFirst() {
        allocate("a1", "cache", "node-a", "").statusCode(200);
        allocate("a2", "cache", "node-a", "").statusCode(200);
        allocate("b1", "cache", "node-b", "").statusCode(200);
        allocate("own", "cache", null, "").statusCode(200);
        allocate("own2", "cache", null, "").statusCode(200);
        allocate("own3", "cache", null, "").statusCode(200);
        scale("{\"service_name\":\"job\",\"service_type\":\"custom\",\"instances\":1}").statusCode(200)
                .body("instances[0].host", equalTo("node-b"));
        scale("{\"service_name\":\"job\",\"service_type\":\"custom\",\"instances\":2}").statusCode(200)
                .body("instances.host", equalTo(List.of("node-a", "node-b")));
    }

    @Test
    void aStormOverSeveralHostsNeverGivesAPortTwiceOnOneHost() throws Exception {
        List<String> hosts = List.of("node-a", "node-b", "node-c");
        int threads = 12;
        int perThread = 15;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> done = IntStream.range(0, threads).mapToObj(thread -> pool.<Object>submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    // every service on every host, in an order of its own, half of them asking for one port
                    String host = hosts.get((thread + i) % hosts.size());
                    allocate("s" + (i % 5) + "-" + thread, "websocket", host,
                            i % 2 == 0 ? ",\"preferred_port\":8150" : "").statusCode(200);
                }
                return null;
            })).toList();
            start.countDown();
            for (Future<Object> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Map<String, Object>> all = given().get("/ports/allocations").then().extract().jsonPath().getList("$");
        Set<String> portsByHost = new HashSet<>();
        Set<String> namesByHost = new HashSet<>();
        for (Map<String, Object> allocation : all) {
            assertTrue(portsByHost.add(allocation.get("host") + ":" + allocation.get("port")),
                    "port held twice on one host: " + allocation);
            assertTrue(namesByHost.add(allocation.get("host") + "/" + allocation.get("service_name")),
                    "service held twice on one host: " + allocation);
        }
        // i runs over 15 = 5 x 3 steps, so each thread asks for each of its 5 services on each of the 3 hosts once
        assertEquals(threads * perThread, all.size(), "every (service, host) pair asked for holds one allocation");
    }

    /**
     * Sticky placement reads the change log inside the change's transaction before it writes; on SQLite that read
     * must not leave the transaction unable to write when another connection (the alive mark, a flush) wrote in
     * between (it failed with SQLITE_BUSY_SNAPSHOT, a 503, until transactions took the write lock first).
     */
    @Test
    void stickyPlacementUnderConcurrentWritesNeverFails() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object>> done = IntStream.range(0, 8).mapToObj(thread -> pool.<Object>submit(() -> {
                for (int i = 0; i < 40; i++) {
                    String id = allocate("st-" + thread + "-" + i, "custom", null, ",\"strategy\":\"sticky\"")
                            .statusCode(200).extract().path("allocation.allocation_id");
                    Registry.release(id).statusCode(200);
                }
                return null;
            })).toList();
            for (Future<Object> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ValidatableResponse scale(String body) {
        return given().contentType("application/json").body(body).when().post("/ports/scale").then();
    }
}
