package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two registry processes (the packaged jar) on one PostgreSQL database, as two replicas of a Kubernetes Deployment:
 * concurrent allocations from many threads on both never share a port and never fail, each replica sees what the
 * other just did, and one replica killed with SIGKILL leaves the other serving.
 */
class ReplicasIT {

    private static final int THREADS = 16;
    private static final int PER_THREAD = 25;

    /** Each test's own two replicas on an emptied database: no test depends on what another left, or on order. */
    private List<RegistryProcess> replicas = List.of();

    @BeforeEach
    void twoReplicas() throws Exception {
        TestPostgresql database = TestPostgresql.require();
        database.empty();
        // nothing expires while the tests run, however slow the machine: a freed port may rightly be handed out again
        replicas = startReplicas(database, 2, "-Dsirsi.ports.heartbeat-timeout=1h");
    }

    /**
     * Starts the replicas side by side, as a Deployment rolls them out; their migrations race on purpose. Rate limits
     * are off: these tests play many clients from one address, and a 429 would hide what they check.
     */
    static List<RegistryProcess> startReplicas(TestPostgresql database, int count, String... more)
            throws Exception {
        String[] properties = Stream.concat(Stream.of("-Dsirsi.rate-limit.enabled=false"), Stream.of(more))
                .toArray(String[]::new);
        List<CompletableFuture<RegistryProcess>> starting = IntStream.range(0, count)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-replica"),
                                database.registryProperties(properties));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })).toList();
        List<RegistryProcess> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<RegistryProcess> replica : starting) {
            try {
                started.add(replica.join());
            } catch (RuntimeException e) { // wait for every one, so that none is left running behind a failure
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            for (RegistryProcess replica : started) {
                replica.close();
            }
            throw failure;
        }
        return started;
    }

    @AfterEach
    void stopReplicas() throws InterruptedException {
        for (RegistryProcess replica : replicas) {
            replica.close();
        }
    }

    @Test
    void concurrentAllocationsOnBothReplicasGetDistinctPorts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<Integer>>> results = IntStream.range(0, THREADS).mapToObj(thread -> pool.submit(() -> {
                start.await();
                List<Integer> ports = new ArrayList<>();
                for (int i = 0; i < PER_THREAD; i++) {
                    // alternate replicas, and collide on preferred ports on purpose
                    Response response = replicas.get((thread + i) % 2).request().contentType(ContentType.JSON)
                            .body("{\"service_name\":\"svc-" + thread + "-" + i + "\",\"service_type\":\"custom\","
                                    + "\"preferred_port\":" + (9000 + i) + "}")
                            .post("/ports/allocate");
                    assertEquals(200, response.statusCode(), response.asString());
                    ports.add(response.jsonPath().getInt("allocation.port"));
                }
                return ports;
            })).toList();
            start.countDown();
            List<Integer> ports = new ArrayList<>();
            for (Future<List<Integer>> result : results) {
                ports.addAll(result.get(5, TimeUnit.MINUTES));
            }
            assertEquals(THREADS * PER_THREAD, ports.size());
            assertEquals(ports.size(), Set.copyOf(ports).size(), "a port was handed out twice");
            for (RegistryProcess replica : replicas) {
                replica.request().get("/ports/stats").then().statusCode(200)
                        .body("total_allocations", equalTo(THREADS * PER_THREAD));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachReplicaAnswersWithWhatTheOtherJustDid() {
        RegistryProcess a = replicas.get(0);
        RegistryProcess b = replicas.get(1);
        for (int i = 0; i < 20; i++) {
            String name = "fresh-" + i;
            var granted = a.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"" + name + "\",\"service_type\":\"rest-api\"}")
                    .post("/ports/allocate").then().statusCode(200).extract().jsonPath();
            String id = granted.getString("allocation.allocation_id");
            b.request().get("/ports/service/" + name).then().statusCode(200).body("allocation_id", equalTo(id));
            b.request().get("/ports/port/" + granted.getInt("allocation.port")).then().statusCode(200)
                    .body("service_name", equalTo(name));
            b.request().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + id + "\"}")
                    .post("/ports/release").then().statusCode(200);
            a.request().get("/ports/service/" + name).then().statusCode(404);
        }
    }

    /**
     * A stale read on the other replica finds the change once its follower has read the log (within its poll), and
     * says its revision and lag; the default read there finds it at once.
     */
    @Test
    void aStaleReadOnTheOtherReplicaSaysHowStaleItIs() {
        RegistryProcess a = replicas.get(0);
        RegistryProcess b = replicas.get(1);
        long revision = Long.parseLong(a.request().contentType(ContentType.JSON)
                .body("{\"service_name\":\"stale-one\",\"service_type\":\"rest-api\"}")
                .post("/ports/allocate").then().statusCode(200).extract().header("X-Sirsi-Index"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Response stale = b.request().get("/ports/service/stale-one?stale");
            stale.then().statusCode(200).body("service_name", equalTo("stale-one"));
            assertTrue(Long.parseLong(stale.header("X-Sirsi-Revision")) > revision, stale.headers().toString());
            assertTrue(Long.parseLong(stale.header("X-Sirsi-Lag")) >= 0, stale.headers().toString());
        });
        b.request().get("/ports/instances/stale-one?stale").then().statusCode(200).body("[0].service_name",
                equalTo("stale-one"));
        b.request().contentType(ContentType.JSON).body("{\"service_name\":\"default-one\",\"service_type\":"
                + "\"rest-api\"}").post("/ports/allocate").then().statusCode(200);
        a.request().get("/ports/service/default-one").then().statusCode(200); // linearizable: at once
    }

    @Test
    void theSameServiceAskingBothReplicasAtOnceGetsOneAllocation() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = IntStream.range(0, THREADS).mapToObj(i -> pool.submit(() -> {
                start.await();
                return replicas.get(i % 2).request().contentType(ContentType.JSON)
                        .body("{\"service_name\":\"singleton\",\"service_type\":\"grpc\"}")
                        .post("/ports/allocate").then().statusCode(200).extract()
                        .jsonPath().getString("allocation.allocation_id");
            })).toList();
            start.countDown();
            Set<String> ids = Collections.synchronizedSet(new java.util.HashSet<>());
            for (Future<String> result : results) {
                ids.add(result.get(2, TimeUnit.MINUTES));
            }
            assertEquals(1, ids.size(), "one service got several allocations: " + ids);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStormOverSeveralHostsOnBothReplicasKeepsPortsAndNamesUniquePerHost() throws Exception {
        List<String> hosts = List.of("node-a", "node-b", "node-c");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> results = IntStream.range(0, THREADS).mapToObj(thread -> pool.<Object>submit(() -> {
                start.await();
                for (int i = 0; i < 15; i++) {
                    // each thread asks for each of its 5 services on each of the 3 hosts once (15 = 5 x 3 steps),
                    // on alternating replicas, every other request for one port
                    Response response = replicas.get((thread + i) % 2).request().contentType(ContentType.JSON)
                            .body("{\"service_name\":\"mh-" + thread + "-" + (i % 5) + "\",\"service_type\":"
                                    + "\"websocket\",\"host\":\"" + hosts.get(i % 3) + "\""
                                    + (i % 2 == 0 ? ",\"preferred_port\":8150" : "") + "}")
                            .post("/ports/allocate");
                    assertEquals(200, response.statusCode(), response.asString());
                }
                return null;
            })).toList();
            start.countDown();
            for (Future<Object> result : results) {
                result.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        for (RegistryProcess replica : replicas) {
            List<Map<String, Object>> all = replica.request().get("/ports/allocations").then().statusCode(200)
                    .extract().jsonPath().getList("findAll { it.service_name.startsWith('mh-') }");
            assertEquals(THREADS * 15, all.size(), "every (service, host) pair holds one allocation");
            assertEquals(all.size(), all.stream().map(a -> a.get("host") + ":" + a.get("port")).distinct().count(),
                    "a port held twice on one host");
            for (String host : hosts) {
                assertEquals(1, all.stream().filter(a -> host.equals(a.get("host")) && a.get("port").equals(8150))
                        .count(), "exactly one holder of the contested port on " + host);
            }
        }
        // instances across replicas: what one scales, the other lists
        List<String> scaled = replicas.get(0).request().contentType(ContentType.JSON).body("{\"service_name\":"
                + "\"mh-0-0\",\"service_type\":\"websocket\",\"instances\":2}").post("/ports/scale").then()
                .statusCode(200).body("removed", equalTo(1)).extract().jsonPath().getList("instances.host");
        assertEquals(2, scaled.size());
        replicas.get(1).request().get("/ports/instances/mh-0-0").then().statusCode(200)
                .body("host", equalTo(scaled));
    }

    @Test
    void aReplicaKilledWithSigkillLeavesTheOtherServing() throws Exception {
        RegistryProcess doomed = replicas.get(0);
        RegistryProcess survivor = replicas.get(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch killed = new CountDownLatch(1);
        try {
            // the doomed replica is busy allocating when it dies; some of its requests are cut off mid-flight
            Future<?> onDoomed = pool.submit(() -> {
                for (int i = 0; killed.getCount() > 0 && i < 10_000; i++) {
                    try {
                        doomed.request().contentType(ContentType.JSON)
                                .body("{\"service_name\":\"doomed-" + i + "\",\"service_type\":\"custom\"}")
                                .post("/ports/allocate");
                    } catch (Exception connectionLost) { // RestAssured rethrows the SocketException unchecked
                        return;
                    }
                }
            });
            List<Future<List<Integer>>> onSurvivor = IntStream.range(0, 3).mapToObj(thread -> pool.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < 30; i++) { // 90 of the 100 analytics ports
                    statuses.add(survivor.request().contentType(ContentType.JSON)
                            .body("{\"service_name\":\"survivor-" + thread + "-" + i
                                    + "\",\"service_type\":\"analytics\"}")
                            .post("/ports/allocate").statusCode());
                    if (thread == 0 && i == 10) {
                        doomed.kill();
                        killed.countDown();
                    }
                }
                return statuses;
            })).toList();
            for (Future<List<Integer>> result : onSurvivor) {
                Map<Integer, Long> statuses = result.get(5, TimeUnit.MINUTES).stream()
                        .collect(Collectors.groupingBy(status -> status, Collectors.counting()));
                assertEquals(Map.of(200, 30L), statuses, "the surviving replica answered otherwise");
            }
            onDoomed.get(1, TimeUnit.MINUTES);

            // what the dead replica acknowledged is still held, and the survivor hands none of it out again
            Map<String, Map<String, Object>> directory = survivor.request().get("/ports/directory").then()
                    .statusCode(200).extract().jsonPath().getMap("$");
            List<Integer> ports = directory.values().stream().map(a -> (Integer) a.get("port")).toList();
            assertEquals(ports.size(), Set.copyOf(ports).size(), "a port is held twice");
            assertTrue(directory.keySet().stream().anyMatch(name -> name.startsWith("doomed-")),
                    "the killed replica's acknowledged allocations are gone");
            survivor.request().get("/q/health/ready").then().statusCode(200);
        } finally {
            pool.shutdownNow();
        }
    }
}
