package io.sirsi.nexus;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Real faults on real files, against the packaged jar: a crash under load, a corrupt or unreadable database. */
class CrashAndCorruptionIT {

    private static final int CLIENTS = 16;
    private static final int ROUNDS = 5;
    private static final String WIDE_RANGE = "-Dsirsi.ports.ranges.custom=2000-61999";

    record Held(String allocationId, int port) {
    }

    @Test
    void everyAcknowledgedAllocationSurvivesKillNineUnderLoad() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-crash");
        Map<String, Held> acknowledged = new ConcurrentHashMap<>();
        Random random = new Random();
        for (int round = 0; round < ROUNDS; round++) {
            RegistryProcess registry = RegistryProcess.start(dataDir, WIDE_RANGE);
            assertStillHeld(registry, acknowledged);
            AtomicBoolean crashed = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                String prefix = "r" + round + "-c" + client + "-";
                running.add(clients.submit(() -> allocateUntilCrash(registry, prefix, acknowledged, crashed)));
            }
            Thread.sleep(300 + random.nextInt(1200)); // a random moment in the middle of the load
            crashed.set(true);
            registry.kill();
            for (Future<?> client : running) {
                client.get(1, TimeUnit.MINUTES);
            }
            clients.shutdownNow();
        }
        try (RegistryProcess last = RegistryProcess.start(dataDir, WIDE_RANGE)) {
            assertStillHeld(last, acknowledged);
            assertTrue(acknowledged.size() > ROUNDS, "the load acknowledged only " + acknowledged.size());
        }
    }

    private static void allocateUntilCrash(RegistryProcess registry, String prefix, Map<String, Held> acknowledged,
            AtomicBoolean crashed) {
        for (int i = 0; !crashed.get(); i++) {
            try {
                Response response = allocate(registry, prefix + i);
                if (response.statusCode() == 200) {
                    acknowledged.put(prefix + i, new Held(response.path("allocation.allocation_id"),
                            response.path("allocation.port")));
                }
            } catch (Exception connectionLost) { // RestAssured throws the IOException unchecked
                return; // the kill cut the request off: it was never acknowledged
            }
        }
    }

    private static Response allocate(RegistryProcess registry, String serviceName) {
        return registry.request().contentType(ContentType.JSON)
                .body("{\"service_name\":\"" + serviceName + "\",\"service_type\":\"custom\"}")
                .post("/ports/allocate");
    }

    private static void assertStillHeld(RegistryProcess registry, Map<String, Held> acknowledged) {
        Map<String, Map<String, Object>> directory = registry.request().get("/ports/directory").then()
                .statusCode(200).extract().jsonPath().getMap("$");
        acknowledged.forEach((name, held) -> {
            Map<String, Object> found = directory.get(name);
            assertTrue(found != null, "acknowledged allocation of " + name + " is gone");
            assertEquals(held.allocationId(), found.get("allocation_id"), name);
            assertEquals(held.port(), found.get("port"), name);
        });
    }

    @Test
    void aCorruptDatabaseStopsTheStartAndIsLeftAsItIs() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-corrupt");
        try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
            registry.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"before\",\"service_type\":\"custom\"}").post("/ports/allocate")
                    .then().statusCode(200);
        }
        Path database = dataDir.resolve("registry.db");
        Files.deleteIfExists(dataDir.resolve("registry.db-wal"));
        Files.deleteIfExists(dataDir.resolve("registry.db-shm"));
        try (RandomAccessFile file = new RandomAccessFile(database.toFile(), "rw")) {
            file.write("this is not an SQLite database at all, it was overwritten".getBytes(StandardCharsets.UTF_8));
        }
        byte[] before = sha256(database);

        String err = failedStart(dataDir);
        assertThat(err, containsString(database.toString()));
        assertThat(err.toLowerCase(), containsString("not a database"));
        assertArrayEquals(before, sha256(database), "the corrupt file was changed");
    }

    @Test
    void anUnreadableDatabaseStopsTheStart() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-unreadable");
        Files.createDirectory(dataDir.resolve("registry.db")); // root reads any file; a directory it cannot open
        String err = failedStart(dataDir);
        assertThat(err, containsString(dataDir.resolve("registry.db").toString()));
        assertTrue(Files.isDirectory(dataDir.resolve("registry.db")), "the registry replaced what was there");
    }

    /**
     * Issue 22, item 13: with {@code registry.lock} deleted under a running registry, a second one on the same
     * directory takes a new lock file, then finds the database held. It must say so, not call the database broken
     * and advise a restore, which would split the data while the first registry lives; and the first serves on.
     */
    @Test
    void aSecondRegistryWhoseLockFileWasRemovedNamesTheRegistryHoldingTheDatabase() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-held");
        try (RegistryProcess first = RegistryProcess.start(dataDir)) {
            allocate(first, "before").then().statusCode(200);
            Files.delete(dataDir.resolve("registry.lock"));

            String err = failedStart(dataDir);
            assertThat(err, containsString("another registry process holds the database "
                    + dataDir.resolve("registry.db")));
            assertThat(err, not(containsString("backup")));
            allocate(first, "after").then().statusCode(200);
            first.request().get("/ports/instances/before").then().statusCode(200);
        }
    }

    /** SQLite opens the database by a file: URI, where these characters (and a leading //) are not the path. */
    @Test
    void aDataDirectoryThatAUriWouldMisreadStopsTheStart() throws Exception {
        for (String name : List.of("full-50%", "why?", "hash#tag")) {
            Path dataDir = Files.createTempDirectory("sirsi-nexus-uri").resolve(name);
            String err = failedStart(dataDir);
            assertThat(err, containsString("sirsi.ports.data-dir '" + dataDir + "' contains"));
            assertFalse(Files.exists(dataDir), "the registry created " + dataDir);
        }
        String hostLike = "/" + Files.createTempDirectory("sirsi-nexus-uri").resolve("data");
        assertThat(failedStart(hostLike), containsString("starts with //"));
    }

    /** Starts the registry on the data directory; it must exit 1 with one line on stderr and no stack trace. */
    private static String failedStart(Path dataDir) throws Exception {
        return failedStart(dataDir.toString());
    }

    private static String failedStart(String dataDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(RegistryProcess.javaExecutable(), "-Dquarkus.http.port=0",
                "-Dsirsi.ports.data-dir=" + dataDir, "-Dsirsi.dns.port=0", "-jar", RegistryProcess.jar().toString(),
                "start");
        Path out = Files.createTempFile("sirsi-nexus-fault-", ".out");
        Path err = Files.createTempFile("sirsi-nexus-fault-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the registry started on a broken data directory:\n" + Files.readString(out));
        }
        String stderr = Files.readString(err);
        assertEquals(1, process.exitValue(), stderr);
        List<String> ours = stderr.lines().filter(line -> line.startsWith("sirsi-nexus: ")).toList();
        assertEquals(1, ours.size(), "one line on stderr:\n" + stderr);
        assertThat(ours.get(0), containsString("sirsi-nexus: cannot start: "));
        assertThat(stderr + Files.readString(out), not(containsString("\tat ")));
        return ours.get(0);
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
