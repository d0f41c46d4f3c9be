package io.sirsi.nexus.store;

import io.sirsi.nexus.registry.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jboss.logging.Logger;

/**
 * The directory of the SQLite database: checked (SQLite reads its path as part of a URI), created, locked for this
 * process alone, cleared of an earlier version's {@code -shm}, and given the copy of SQLite's native library.
 */
final class SqliteDataDirectory {

    private static final Logger LOG = Logger.getLogger(SqliteDataDirectory.class);
    static final String DATABASE = "registry.db";
    static final String LOCK_FILE = "registry.lock";

    private final String configured;
    private volatile FileLock lock;

    /** @param configured {@code sirsi.ports.data-dir} as written: it goes into the URL as it is */
    SqliteDataDirectory(String configured) {
        this.configured = configured;
    }

    Path database() {
        return Path.of(configured).toAbsolutePath().resolve(DATABASE);
    }

    /** Everything before the first connection opens the database. */
    void prepare() {
        requireUriSafe(configured);
        Path dataDir = Path.of(configured);
        try {
            Files.createDirectories(dataDir); // SQLite creates the file but not its directory
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create data directory " + dataDir.toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
        lock(dataDir.toAbsolutePath());
        removeSharedMemoryFile(dataDir.toAbsolutePath());
        SqliteNativeLibrary.useCopyIn(dataDir.toAbsolutePath());
    }

    /**
     * The database is opened by a {@code file:} URI (for its {@code vfs=unix-excl}), in which {@code ?} and
     * {@code #} would end the path, {@code %} start an escape and a leading {@code //} a host: a data directory
     * with them would open another file, or none.
     */
    private static void requireUriSafe(String path) {
        if (path.startsWith("//")) {
            throw new StoreUnavailableException("sirsi.ports.data-dir '" + path + "' starts with //, which SQLite reads"
                    + " as a URI's host; write it with one /", null);
        }
        for (char special : new char[] {'?', '#', '%'}) {
            if (path.indexOf(special) >= 0) {
                throw new StoreUnavailableException("sirsi.ports.data-dir '" + path + "' contains '" + special
                        + "', which SQLite reads as part of a URI, not of the path; choose a directory without ?, #"
                        + " or %", null);
            }
        }
    }

    /**
     * SQLite runs with its {@code unix-excl} VFS: its WAL index lives in this process's heap, not in a memory-mapped
     * {@code registry.db-shm} (a fault on that mapping, such as the file made unwritable, killed the JVM with
     * SIGBUS). A {@code -shm} file left by an earlier version is stale, and with the data directory locked nothing
     * else uses it: removed, so that nobody takes it for live state.
     */
    private static void removeSharedMemoryFile(Path dataDir) {
        Path shm = dataDir.resolve(DATABASE + "-shm");
        try {
            if (Files.deleteIfExists(shm)) {
                LOG.infof("Removed %s, left by an earlier version: the WAL index is now kept in memory", shm);
            }
        } catch (IOException e) {
            LOG.warnf("Cannot remove the stale %s (%s); it is not used", shm, e.getMessage());
        }
    }

    /**
     * Takes the data directory for this process alone, as etcd and PostgreSQL do with theirs. Two registries on one
     * SQLite file would each answer from an index of their own, blind to the other's allocations. The operating
     * system drops the lock when the process ends, however it ends.
     */
    private void lock(Path dataDir) {
        Path lockPath = dataDir.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock taken;
            try {
                taken = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisProcess) {
                taken = null;
            }
            if (taken == null) {
                String holder = new String(Files.readAllBytes(lockPath), StandardCharsets.UTF_8).strip();
                throw new StoreUnavailableException("another registry process" + (holder.isEmpty() ? "" : " (pid "
                        + holder + ")") + " is using " + dataDir + "; stop it, or give this one another"
                        + " sirsi.ports.data-dir", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            lock = taken;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel); // the lock, if taken, goes with it
            throw e instanceof StoreUnavailableException refused ? refused
                    : new StoreUnavailableException("cannot lock " + lockPath + ": " + e.getMessage(), e);
        }
    }

    /** Lets the next registry in this JVM (a restart in tests) take the data directory. */
    void unlock() {
        FileLock taken = lock;
        if (taken != null) {
            closeQuietly(taken.channel());
            lock = null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debugf("Closing the data directory's lock file: %s", e.getMessage());
            }
        }
    }
}
