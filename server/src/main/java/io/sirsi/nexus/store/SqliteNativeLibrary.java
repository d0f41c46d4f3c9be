package io.sirsi.nexus.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import io.quarkus.runtime.LaunchMode;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * Keeps SQLite's native library in the data directory, so that a start loads it from there instead of writing it
 * out again.
 *
 * <p>sqlite-jdbc carries its native library inside its jar, and on every start writes it (1 MB) to a new file in
 * {@code java.io.tmpdir}, compares it with the jar's, and loads it: about 0.1 s of the registry's start
 * (docs/benchmarks.md), and a start that fails where {@code /tmp} is mounted {@code noexec}. Here the first start
 * of a sqlite-jdbc version copies it once to {@code <data-dir>/native/sqlite-jdbc-<version>/}; every start compares
 * the copy with the jar's (a few ms: reading is cheap, writing and loading a new file is not), writes it again if
 * it differs, and points sqlite-jdbc at it with sqlite-jdbc's own settings ({@code org.sqlite.lib.path},
 * {@code org.sqlite.lib.name}), having removed earlier versions' copies. Should the copy not load (a data
 * directory mounted {@code noexec}), sqlite-jdbc logs an ERROR saying why and goes on to its usual way, so this
 * never stops a start. The packaged application only ({@link LaunchMode#NORMAL}). An operator's own
 * {@code org.sqlite.lib.path} is left as it is.
 */
final class SqliteNativeLibrary {

    private static final Logger LOG = Logger.getLogger(SqliteNativeLibrary.class);
    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {
    }

    /** Call before the first SQLite connection of the process; later, sqlite-jdbc has already loaded its library. */
    static void useCopyIn(Path dataDir) {
        // One process, one registry: tests start many in one JVM (and one class loader after another), where a
        // setting left by the first would point the next at a library another class loader already holds.
        if (LaunchMode.current() != LaunchMode.NORMAL || System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        String name = System.mapLibraryName("sqlitejdbc");
        URL inJar = SQLiteJDBCLoader.class.getResource(
                "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name);
        if (inJar == null) {
            return; // a platform sqlite-jdbc carries no library for: it looks on java.library.path itself
        }
        Path dir = dataDir.resolve("native").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion());
        Path copy = dir.resolve(name);
        try {
            byte[] library;
            try (InputStream in = inJar.openStream()) {
                library = in.readAllBytes();
            }
            // Compared whole, not by size: a copy that is not this library would fail to load, noisily.
            if (!Files.isRegularFile(copy) || !Arrays.equals(library, Files.readAllBytes(copy))) {
                removeLeftovers(dir.getParent(), dir);
                Files.createDirectories(dir);
                Path partial = Files.createTempFile(dir, name, ".partial");
                try {
                    Files.write(partial, library);
                    Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
                LOG.debugf("Copied SQLite's native library to %s", copy);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("SQLite's native library stays in sqlite-jdbc's hands (no copy in %s: %s)", dir, e);
            return;
        }
        System.setProperty(PATH_PROPERTY, dir.toString());
        System.setProperty(NAME_PROPERTY, name);
    }

    /**
     * Earlier sqlite-jdbc versions' copies, and a copy cut short by a crash ({@code .partial}); the data directory
     * is locked, so no other registry is using them.
     */
    private static void removeLeftovers(Path nativeDir, Path current) throws IOException {
        if (!Files.isDirectory(nativeDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(nativeDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) { // files before their directories
                boolean ours = path.startsWith(current) && !path.getFileName().toString().endsWith(".partial");
                if (!ours && !path.equals(nativeDir)) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
