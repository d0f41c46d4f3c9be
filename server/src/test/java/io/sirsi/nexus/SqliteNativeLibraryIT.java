package io.sirsi.nexus;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged registry loads SQLite's native library from its data directory, where the first start copied it
 * (store/SqliteNativeLibrary), writes a damaged copy again and removes what earlier versions left.
 */
class SqliteNativeLibraryIT {

    @Test
    void theFirstStartCopiesTheLibraryAndEveryStartLoadsThatCopy() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-native");
        Path copy;
        try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
            copy = onlyCopy(dataDir);
            assertThat(mappedSqliteLibraries(registry), hasItem(copy.toString()));
        }
        FileTime copied = Files.getLastModifiedTime(copy);
        try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
            assertThat(mappedSqliteLibraries(registry), hasItem(copy.toString()));
            assertEquals(copied, Files.getLastModifiedTime(copy)); // loaded as it was, not written again
            allocate(registry);
        }
    }

    @Test
    void aDamagedCopyIsWrittenAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-native");
        try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
            allocate(registry);
        }
        Path copy = onlyCopy(dataDir);
        long size = Files.size(copy);

        Files.write(copy, new byte[100]); // cut short: written again from the jar
        Path earlierVersion = Files.createDirectories(dataDir.resolve("native/sqlite-jdbc-3.0.0"));
        Files.write(earlierVersion.resolve("libsqlitejdbc.so"), new byte[100]);
        Path crashed = Files.write(copy.resolveSibling("libsqlitejdbc.so123.partial"), new byte[100]);
        try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
            assertEquals(size, Files.size(copy));
            assertFalse(Files.exists(earlierVersion), "an earlier version's copy is removed");
            assertFalse(Files.exists(crashed), "a copy cut short by a crash is removed");
            assertThat(mappedSqliteLibraries(registry), hasItem(copy.toString()));
            registry.request().get("/ports/stats").then().statusCode(200);
        }

        Files.write(copy, new byte[(int) size]); // the same size, not a library: written again too
        try (RegistryProcess registry = RegistryProcess.start(dataDir)) {
            assertThat(mappedSqliteLibraries(registry), hasItem(copy.toString()));
            assertThat(registry.log(), not(containsString("Failed to load native library")));
            allocate(registry);
        }
    }

    private static Path onlyCopy(Path dataDir) throws Exception {
        try (Stream<Path> files = Files.walk(dataDir.resolve("native"))) {
            List<Path> libraries = files.filter(Files::isRegularFile).toList();
            assertEquals(1, libraries.size(), libraries.toString());
            assertThat(libraries.get(0).getParent().getFileName().toString(), startsWith("sqlite-jdbc-"));
            return libraries.get(0);
        }
    }

    /** The files of the process's memory map whose name mentions sqlite: the native library it loaded. */
    private static List<String> mappedSqliteLibraries(RegistryProcess registry) throws Exception {
        return Files.readAllLines(Path.of("/proc", String.valueOf(registry.pid()), "maps")).stream()
                .map(line -> line.split("\\s+", 6)).filter(fields -> fields.length == 6)
                .map(fields -> fields[5].trim()).filter(path -> path.contains("sqlitejdbc")).distinct().toList();
    }

    private static void allocate(RegistryProcess registry) {
        registry.request().contentType(ContentType.JSON)
                .body("{\"service_name\":\"native\",\"service_type\":\"custom\"}")
                .post("/ports/allocate").then().statusCode(200);
    }
}
