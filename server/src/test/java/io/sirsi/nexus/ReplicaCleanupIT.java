package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sirsi.nexus.testing.RegistryProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expiry cleanup runs on every replica (scheduled every second, and on demand from several clients at once): each
 * expired allocation is removed exactly once, and no replica reports an error.
 */
class ReplicaCleanupIT {

    private static final int SERVICES = 60;

    private static List<RegistryProcess> replicas = List.of();

    @BeforeAll
    static void twoReplicas() throws Exception {
        TestPostgresql database = TestPostgresql.require();
        database.empty();
        // every allocation here goes silent at once, which self-preservation would rightly hold; this test is about
        // expiry and cleanup happening once across replicas, so it is off
        replicas = ReplicasIT.startReplicas(database, 2, "-Dsirsi.ports.heartbeat-timeout=1s",
                "-Dsirsi.ports.cleanup-interval=1s", "-Dsirsi.ports.self-preservation.threshold=1");
    }

    @AfterAll
    static void stopReplicas() throws InterruptedException {
        for (RegistryProcess replica : replicas) {
            replica.close();
        }
    }

    @Test
    void everyExpiredAllocationIsRemovedOnceWhileEveryReplicaCleansUp() throws Exception {
        for (int i = 0; i < SERVICES; i++) {
            replicas.get(i % 2).request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"short-lived-" + i + "\",\"service_type\":\"custom\"}")
                    .post("/ports/allocate").then().statusCode(200);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> cleaners = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                RegistryProcess replica = replicas.get(thread % 2);
                cleaners.add(pool.submit(() -> {
                    List<String> failures = new ArrayList<>();
                    Instant until = Instant.now().plus(Duration.ofSeconds(4));
                    while (Instant.now().isBefore(until)) {
                        Response cleanup = replica.request().post("/ports/cleanup");
                        if (cleanup.statusCode() != 200) {
                            failures.add(cleanup.statusCode() + " " + cleanup.asString());
                        }
                    }
                    return failures;
                }));
            }
            for (Future<List<String>> cleaner : cleaners) {
                assertEquals(List.of(), cleaner.get(1, TimeUnit.MINUTES), "cleanup requests that failed");
            }
        } finally {
            pool.shutdownNow();
        }

        for (RegistryProcess replica : replicas) {
            replica.request().get("/ports/stats").then().statusCode(200)
                    .body("total_allocations", org.hamcrest.Matchers.equalTo(0));
        }
        double removed = 0;
        for (RegistryProcess replica : replicas) {
            removed += Metrics.sum(Metrics.scrape(replica.request()), "sirsi_allocations_expired_total");
            assertFalse(replica.log().contains("ERROR") || replica.log().contains("cleanup skipped"),
                    "a replica logged a failure:\n" + replica.log());
        }
        assertEquals(SERVICES, removed, 0.0, "expired allocations removed, counted over both replicas");
    }
}
