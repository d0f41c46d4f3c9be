package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The change log across two replicas on one PostgreSQL database: with writers on both at once, a watcher on each
 * receives the same events with the same revisions in the same order, none missing; each replica's index
 * converges on the other's changes, and again after its own restart.
 */
class ReplicaChangeLogIT {

    private static final int THREADS = 8;
    private static final int CYCLES = 20;

    private static TestPostgresql database;
    private static List<RegistryProcess> replicas = new ArrayList<>();

    @BeforeAll
    static void twoReplicas() throws Exception {
        database = TestPostgresql.require();
        database.empty();
        replicas = new ArrayList<>(ReplicasIT.startReplicas(database, 2, "-Dsirsi.ports.heartbeat-timeout=1h"));
    }

    @AfterAll
    static void stopReplicas() throws InterruptedException {
        for (RegistryProcess replica : replicas) {
            replica.close();
        }
    }

    private record Seen(long id, String type, String allocationId) {
    }

    @Test
    void watchersOnBothReplicasSeeOneLogInOneOrderAndTheIndexesConverge() throws Exception {
        long start = index(replicas.get(0));
        try (EventStream onA = EventStream.open(replicas.get(0).url(), "/ports/events?since=" + start, Map.of());
                EventStream onB = EventStream.open(replicas.get(1).url(), "/ports/events?since=" + start, Map.of())) {
            int changes = writeFromBothReplicas();

            List<Seen> seenOnA = seen(onA.next(changes));
            List<Seen> seenOnB = seen(onB.next(changes));
            assertEquals(LongStream.rangeClosed(start + 1, start + changes).boxed().toList(),
                    seenOnA.stream().map(Seen::id).toList(), "revisions without a gap or a repeat");
            assertEquals(seenOnA, seenOnB, "both replicas stream the same events in the same order");
            assertEquals(changes, seenOnA.stream().filter(seen -> seen.type().equals("allocated")).count() * 2);
        }

        assertEquals(directory(replicas.get(0)), directory(replicas.get(1)));
        RegistryProcess restarted = replicas.remove(1);
        restarted.close();
        replicas.add(RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-replica"),
                database.registryProperties("-Dsirsi.rate-limit.enabled=false",
                        "-Dsirsi.ports.heartbeat-timeout=1h")));
        allocate(replicas.get(0), "after-restart");
        assertEquals(directory(replicas.get(0)), directory(replicas.get(1)));
        assertEquals(replicas.get(0).request().get("/ports/history?limit=1000").asString(),
                replicas.get(1).request().get("/ports/history?limit=1000").asString());
    }

    /** Allocates and releases from many threads, alternating replicas; returns how many events that made. */
    private static int writeFromBothReplicas() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Void>> writers = IntStream.range(0, THREADS).mapToObj(thread -> pool.<Void>submit(() -> {
                go.await();
                for (int i = 0; i < CYCLES; i++) {
                    String id = allocate(replicas.get((thread + i) % 2), "cycle-" + thread + "-" + i);
                    replicas.get((thread + i + 1) % 2).request().contentType(ContentType.JSON)
                            .body("{\"allocation_id\":\"" + id + "\"}").post("/ports/release").then()
                            .statusCode(200);
                }
                return null;
            })).toList();
            go.countDown();
            for (Future<Void> writer : writers) {
                writer.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return THREADS * CYCLES * 2;
    }

    private static String allocate(RegistryProcess replica, String name) {
        Response response = replica.request().contentType(ContentType.JSON)
                .body("{\"service_name\":\"" + name + "\",\"service_type\":\"custom\"}").post("/ports/allocate");
        assertEquals(200, response.statusCode(), response.asString());
        return response.jsonPath().getString("allocation.allocation_id");
    }

    private static List<Seen> seen(List<EventStream.Event> events) {
        return events.stream().map(event -> new Seen(event.id(), event.type(),
                event.data().path("allocation").path("allocation_id").asText())).toList();
    }

    private static long index(RegistryProcess replica) {
        return Long.parseLong(replica.request().get("/ports/directory").then().statusCode(200).extract()
                .header("X-Sirsi-Index"));
    }

    private static String directory(RegistryProcess replica) {
        return replica.request().get("/ports/directory").then().statusCode(200).extract().asString();
    }
}
