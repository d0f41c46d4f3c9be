package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Storage faults under the packaged registry, on real files: the database made immutable ({@code chattr +i}, which
 * stops root too) while it runs. Needs root and chattr on a filesystem that supports it (the data directory is under
 * {@code target/}); without them the tests are skipped, saying so, except under {@code CI=true}, where they fail.
 */
class StorageFaultIT {

    private static final Path TARGET = Path.of("target").toAbsolutePath();

    @BeforeAll
    static void immutableFilesWork() throws Exception {
        Files.createDirectories(TARGET);
        Path probe = Files.createTempFile(TARGET, "chattr-probe", ".txt");
        String problem = null;
        try {
            if (run("chattr", "+i", probe.toString()) != 0) {
                problem = "chattr +i does not work here (needs root and ext4, xfs, btrfs or tmpfs)";
            } else {
                try {
                    Files.writeString(probe, "x");
                    problem = "chattr +i did not make " + probe + " immutable";
                } catch (IOException refused) {
                    // as it should
                }
            }
        } catch (IOException missing) {
            problem = "chattr is not installed (e2fsprogs)";
        } finally {
            if (problem == null) {
                run("chattr", "-i", probe.toString());
            }
            Files.deleteIfExists(probe);
        }
        Prerequisite.require(problem == null, problem);
    }

    /**
     * Issue 16, item 3: while the database refuses writes, writes get 503 and both health views say so; once it
     * takes writes again, readiness recovers by itself (its probe write succeeds), with no client write needed.
     */
    @Test
    void readinessFollowsWhetherTheStoreTakesWrites() throws Exception {
        duringAFault(registry -> {
            String overview = registry.request().get("/ports/overview").then().statusCode(200).extract().asString();
            allocate(registry, "during").statusCode(503).contentType("application/problem+json")
                    .body("type", equalTo("urn:sirsi-nexus:problem:store-unavailable"));
            // the index still holds the allocations (lookups answer): health counts them as stats does, not 0
            int held = registry.request().get("/ports/stats").then().statusCode(200).extract()
                    .path("total_allocations");
            registry.request().get("/ports/health").then().statusCode(503)
                    .body("status", equalTo("unhealthy")).body("store", equalTo("down"))
                    .body("total_allocations", equalTo(held));
            registry.request().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
            // still down on a second look: a failed probe keeps it down
            registry.request().get("/ports/health").then().statusCode(503);
            assertEquals(overview, registry.request().get("/ports/overview").then().extract().asString());
        }, registry -> {
            // by itself: readiness probes with a write of its own while the last write failed
            readyAgain(registry);
            registry.request().get("/ports/health").then().statusCode(200)
                    .body("status", equalTo("healthy")).body("store", equalTo("up"));
            allocate(registry, "after").statusCode(200);
        });
    }

    /**
     * The pool may open connections while the file cannot be written (here: store reads in parallel during the
     * fault), and SQLite opens such a connection read-only for good. Once the file takes writes again, neither
     * readiness nor any write may draw one of them: the first look at readiness is 200, and every write after it
     * succeeds, whichever connection it would have drawn (CI once saw readiness stay 503 on SQLITE_READONLY).
     */
    @Test
    void connectionsOpenedDuringAFaultDoNotOutliveIt() throws Exception {
        duringAFault(registry -> {
            allocate(registry, "during").statusCode(503);
            readHistoryInParallel(registry);
            registry.request().get("/q/health/ready").then().statusCode(503);
            readHistoryInParallel(registry);
        }, registry -> {
            readyAgain(registry);
            for (int i = 0; i < 4; i++) {
                readHistoryInParallel(registry); // draws on every connection of the pool
                for (int j = 0; j < 3; j++) {
                    allocate(registry, "after-" + i + "-" + j).statusCode(200);
                }
            }
        });
    }

    /**
     * Readiness is 200 again once its result of the fault has aged (a failed check answers the probes of the next
     * second without another write: registry/StoreCheck), and stays so: a probe that drew a connection the fault
     * left read-only would turn it 503 again (CI once saw readiness stay 503 on SQLITE_READONLY).
     */
    private static void readyAgain(RegistryProcess registry) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                registry.request().get("/q/health/ready").then().statusCode(200));
        for (int i = 0; i < 3; i++) {
            registry.request().get("/q/health/ready").then().statusCode(200);
        }
    }

    /** What a test does with the registry at one stage of a fault. */
    private interface Stage {
        void run(RegistryProcess registry) throws Exception;
    }

    /**
     * A registry on a data directory of its own that has allocated once; its database files are immutable while
     * {@code during} runs and writable again before {@code after}; its log has no stack trace at the end. The files
     * are made writable again whatever fails, so that the next test (and cleanup) can use the directory.
     */
    private static void duringAFault(Stage during, Stage after) throws Exception {
        Path dataDir = Files.createTempDirectory(TARGET, "sirsi-nexus-fault");
        List<Path> files = List.of(dataDir.resolve("registry.db"), dataDir.resolve("registry.db-wal"));
        try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
            allocate(registry, "before").statusCode(200);
            chattr("+i", files);
            try {
                during.run(registry);
            } finally {
                chattr("-i", files);
            }
            after.run(registry);
            assertFalse(registry.log().contains("\tat "), "a stack trace in the log:\n" + registry.log());
        } finally {
            chattr("-i", files);
        }
    }

    /** History reads from the store, eight at once: the pool needs more than one connection for them. */
    private static void readHistoryInParallel(RegistryProcess registry) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(readers.submit(() -> registry.request().get("/ports/history?limit=5").statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get(30, TimeUnit.SECONDS), "a history read");
            }
        } finally {
            readers.shutdownNow();
        }
    }

    /**
     * Issue 12: the data directory on a small filesystem of its own (a 4 MiB tmpfs) that fills up under the running
     * registry. Allocations answer 503 problem+json, readiness turns 503, lookups keep answering; once space is
     * freed the registry serves again without a restart, and nothing acknowledged is lost, through a kill -9 too.
     */
    @Test
    void aFullDiskRefusesWritesLosesNothingAndRecoversWhenSpaceIsFreed() throws Exception {
        Path mount = Files.createTempDirectory(TARGET, "sirsi-nexus-small-disk");
        if (run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()) != 0) {
            Prerequisite.require(false, "cannot mount a tmpfs (needs root)");
        }
        Path dataDir = mount.resolve("data");
        Path filler = mount.resolve("filler");
        List<String> acknowledged = new ArrayList<>();
        try {
            try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
                for (int i = 0; i < 20; i++) {
                    acknowledged.add(allocate(registry, "kept-" + i).statusCode(200).extract()
                            .path("allocation.allocation_id"));
                }
                fill(filler);
                int refused = 0;
                for (int i = 0; i < 200 && refused == 0; i++) { // the WAL's free pages may take a few first
                    var answer = allocate(registry, "full-" + i).extract();
                    if (answer.statusCode() == 200) {
                        acknowledged.add(answer.path("allocation.allocation_id"));
                    } else {
                        assertEquals(503, answer.statusCode(), answer.asString());
                        assertEquals("application/problem+json", answer.contentType());
                        refused++;
                    }
                }
                assertEquals(1, refused, "a full disk never refused a write");
                registry.request().get("/q/health/ready").then().statusCode(503);
                registry.request().get("/ports/service/kept-0").then().statusCode(200);
                registry.request().get("/ports/stats").then().statusCode(200)
                        .body("total_allocations", equalTo(acknowledged.size()));

                Files.delete(filler);
                readyAgain(registry);
                acknowledged.add(allocate(registry, "after-space").statusCode(200).extract()
                        .path("allocation.allocation_id"));
                assertFalse(registry.log().contains("\tat "), "a stack trace in the log:\n" + registry.log());
                registry.kill();
            }
            assertNothingLostOnRestart(dataDir, acknowledged);
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * Issue 16, item 10: SQLite's WAL index lives in the registry's heap (the unix-excl VFS), not in a memory-mapped
     * {@code registry.db-shm}, whose file made unwritable killed the JVM with SIGBUS. A stale one is removed at start;
     * one planted and made immutable under the running registry is never touched; another process cannot open the
     * database meanwhile; and what was acknowledged survives a kill -9.
     */
    @Test
    void theWalIndexIsNoFileSoNoFaultOnOneCanKillTheRegistry() throws Exception {
        Path dataDir = Files.createTempDirectory(TARGET, "sirsi-nexus-shm");
        Path shm = dataDir.resolve("registry.db-shm");
        Files.write(shm, new byte[32 * 1024]); // as an earlier version, killed, would have left it
        List<String> acknowledged = new ArrayList<>();
        try {
            try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
                assertTrue(registry.log().contains("Removed " + shm), registry.log());
                acknowledged.add(allocate(registry, "before").statusCode(200).extract()
                        .path("allocation.allocation_id"));
                assertFalse(Files.exists(shm), "SQLite made a shared-memory file");
                SQLException refused = assertThrows(SQLException.class, () -> {
                    String database = "jdbc:sqlite:" + dataDir.resolve("registry.db");
                    try (Connection other = DriverManager.getConnection(database);
                            Statement statement = other.createStatement()) {
                        statement.executeQuery("select count(*) from allocation").close();
                    }
                }, "another process read the database under the running registry");
                assertTrue(refused.getMessage().contains("locked"), refused.getMessage());

                Files.write(shm, new byte[32 * 1024]);
                chattr("+i", List.of(shm));
                for (int i = 0; i < 50; i++) {
                    acknowledged.add(allocate(registry, "during-" + i).statusCode(200).extract()
                            .path("allocation.allocation_id"));
                }
                registry.request().get("/q/health/ready").then().statusCode(200);
                assertFalse(registry.log().contains("\tat "), "a stack trace in the log:\n" + registry.log());
                registry.kill();
            }
            chattr("-i", List.of(shm));
            assertNothingLostOnRestart(dataDir, acknowledged);
        } finally {
            chattr("-i", List.of(shm));
        }
    }

    private static void assertNothingLostOnRestart(Path dataDir, List<String> acknowledged) throws Exception {
        try (RegistryProcess restarted = RegistryProcess.start(dataDir)) {
            List<String> held = restarted.request().get("/ports/directory").then().statusCode(200).extract()
                    .jsonPath().getList("collect { it.value.allocation_id }");
            assertTrue(held.containsAll(acknowledged), "lost: " + acknowledged.stream()
                    .filter(id -> !held.contains(id)).toList());
        }
    }

    /** Writes until the filesystem has no space left. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1000; i++) {
                out.write(block);
            }
            throw new AssertionError("the small filesystem never filled up");
        } catch (IOException full) {
            // no space left on device: as intended
        }
    }

    /** Issue 16, item 11: a second registry on a data directory refuses in one line, in its log too. */
    @Test
    void aSecondRegistryOnTheDataDirectoryRefusesInOneLine() throws Exception {
        Path dataDir = Files.createTempDirectory(TARGET, "sirsi-nexus-second");
        try (RegistryProcess first = RegistryProcess.start(dataDir)) {
            Path output = Files.createTempFile(TARGET, "second", ".log");
            Process second = new ProcessBuilder(RegistryProcess.javaExecutable(), "-Dquarkus.http.port=0",
                    "-Dsirsi.ports.data-dir=" + dataDir, "-Dsirsi.dns.port=0", "-jar",
                    RegistryProcess.jar().toString(), "start")
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second registry did not stop");
            String said = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(1, second.exitValue(), said);
            assertTrue(said.contains("sirsi-nexus: cannot start: another registry process"), said);
            assertFalse(said.contains("\tat "), "a stack trace:\n" + said);
            assertEquals(1, said.lines().filter(line -> line.contains("ERROR")).count(), said);
            first.request().get("/q/health/ready").then().statusCode(200).body(containsString("UP"));
        }
    }

    private static ValidatableResponse allocate(RegistryProcess registry, String name) {
        return registry.request().contentType(ContentType.JSON)
                .body("{\"service_name\":\"" + name + "\",\"service_type\":\"custom\"}").post("/ports/allocate").then();
    }

    private static void chattr(String flag, List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("chattr", flag));
        files.stream().filter(Files::exists).map(Path::toString).forEach(command::add);
        if (command.size() == 2) {
            return; // none of them is there (any more)
        }
        assertEquals(0, run(command.toArray(String[]::new)), "chattr " + flag + " " + files);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
