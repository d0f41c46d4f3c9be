package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, item 3: the change log is pruned while writers run, on both stores, against the packaged jar. On SQLite
 * every prune under load failed with SQLITE_BUSY ("Change log not pruned, will retry") and the log grew without
 * bound: the prune read the log's head before it deleted, in a transaction that had not taken the write lock.
 */
class ChangeLogPruneIT {

    private static final int WRITERS = 16;
    /** The prune runs 10 s after start, then every minute: room for a slow start and one more run. */
    private static final Duration PRUNE_WAIT = Duration.ofMinutes(3);
    private static final String PRUNED = "Pruned ";
    private static final String NOT_PRUNED = "Change log not pruned";
    /**
     * The writers go as fast as the machine lets them: on a quiet one that is past the per-client write budget, whose
     * 429s would fail them; rate limits are not what this test is about.
     */
    private static final String WRITES_UNLIMITED = "-Dsirsi.rate-limit.enabled=false";

    @Test
    void sqlitePrunesTheLogWhileWritersRun() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-prune"),
                WRITES_UNLIMITED, "-Dsirsi.ports.history.retention=1s")) {
            prunesWhileWritersRun(registry);
        }
    }

    @Test
    void postgresqlPrunesTheLogWhileWritersRun() throws Exception {
        TestPostgresql postgresql = TestPostgresql.require();
        postgresql.empty();
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-prune-pg"),
                postgresql.registryProperties(WRITES_UNLIMITED, "-Dsirsi.ports.history.retention=1s"))) {
            prunesWhileWritersRun(registry);
        } finally {
            postgresql.empty();
        }
    }

    /** Writers allocate and release until a prune has run under them; it must have pruned, and said so. */
    private static void prunesWhileWritersRun(RegistryProcess registry) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        try {
            for (int i = 0; i < WRITERS; i++) {
                String name = "writer-" + i;
                writers.add(pool.submit(() -> allocateAndRelease(registry, name, stop)));
            }
            await("a prune of the change log while writers run").atMost(PRUNE_WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> registry.logLines(PRUNED) + registry.logLines(NOT_PRUNED) > 0);
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        for (Future<?> writer : writers) {
            writer.get(); // a writer's failure fails the test
        }
        String log = registry.log();
        assertThat(log, not(containsString(NOT_PRUNED)));
        assertThat(log, containsString(PRUNED));
        // the log no longer reaches back to its start: a watch from revision 0 is refused as compacted
        registry.request().get("/ports/events?since=0").then().statusCode(410);
    }

    private static void allocateAndRelease(RegistryProcess registry, String name, AtomicBoolean stop) {
        while (!stop.get()) {
            Response allocated = registry.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"" + name + "\",\"service_type\":\"custom\"}").post("/ports/allocate");
            allocated.then().statusCode(200);
            registry.request().contentType(ContentType.JSON)
                    .body("{\"allocation_id\":\"" + allocated.path("allocation.allocation_id") + "\"}")
                    .post("/ports/release").then().statusCode(200);
        }
    }
}
