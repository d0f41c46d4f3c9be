package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sirsi.nexus.store.JdbcAllocationStore;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, item 3, at the store: the prune the scheduler runs once a minute, run again and again while clients
 * allocate and release, so that it meets the registry's writer every time rather than by chance. On SQLite each
 * prune that met a commit failed with SQLITE_BUSY. On SQLite and, in the PostgreSQL run, on PostgreSQL.
 * {@link ChangeLogPruneIT} checks the scheduled prune on the packaged jar.
 */
@QuarkusTest
@TestProfile(ChangeLogPruneTest.OwnLog.class)
class ChangeLogPruneTest {

    private static final int WRITERS = 8;
    private static final int PRUNES = 100;
    private static final long KEPT = 10;

    /** An application of its own: the test prunes the log, which other test classes read. */
    public static class OwnLog implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sirsi.ports.history.max-events", "1000000");
        }
    }

    @Inject
    JdbcAllocationStore store;

    @Test
    void everyPruneSucceedsWhileWritersRun() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        long pruned = 0;
        try {
            for (int i = 0; i < WRITERS; i++) {
                String name = "pruned-" + i;
                writers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        Registry.release(Registry.grant(name, "custom").allocationId()).statusCode(200);
                    }
                }));
            }
            long start = store.headRevision();
            await("writers under way").atMost(Duration.ofMinutes(1)).until(() -> store.headRevision() > start + 50);
            for (int i = 0; i < PRUNES; i++) {
                pruned += store.prune(Instant.EPOCH, KEPT, 1_000); // throws as the scheduled prune did
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        for (Future<?> writer : writers) {
            writer.get();
        }
        assertTrue(pruned > 0, "nothing was pruned");
        long oldest = store.oldestRevision();
        assertTrue(oldest > 1, "the oldest revision is still " + oldest);
    }
}
