package io.sirsi.nexus.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which process owns each socket: every {@code /proc/<pid>/fd/*} link that reads {@code socket:[<inode>]}. A process
 * whose fds this user may not read (another user's, without root or {@code CAP_SYS_PTRACE}) is passed over, so its
 * sockets are reported without an owner rather than not at all.
 */
final class SocketOwners {

    private static final String SOCKET_LINK = "socket:[";

    /** A socket's owner: its PID and its {@code comm} (the kernel's name of it, at most 15 characters). */
    record Owner(long pid, String process) {
    }

    private SocketOwners() {
    }

    /** The owners of those of the inodes whose owner this process can see. */
    static Map<Long, Owner> of(Path procRoot, Set<Long> inodes) throws IOException {
        Map<Long, Owner> owners = new HashMap<>();
        if (inodes.isEmpty()) {
            return owners;
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(procRoot, SocketOwners::isPid)) {
            for (Path process : processes) {
                ownedBy(process, inodes, owners);
                if (owners.size() == inodes.size()) {
                    break;
                }
            }
        }
        return owners;
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static void ownedBy(Path process, Set<Long> inodes, Map<Long, Owner> owners) {
        long pid = Long.parseLong(process.getFileName().toString());
        String comm = null;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException gone) {
                    continue; // closed meanwhile, or not a link
                }
                if (!target.startsWith(SOCKET_LINK)) {
                    continue;
                }
                long inode = Long.parseLong(target.substring(SOCKET_LINK.length(), target.length() - 1));
                if (inodes.contains(inode) && !owners.containsKey(inode)) {
                    comm = comm != null ? comm : comm(process);
                    owners.put(inode, new Owner(pid, comm));
                }
            }
        } catch (IOException | SecurityException notVisible) {
            // another user's process without the privilege, or one that exited during the scan
        }
    }

    private static String comm(Path process) {
        try {
            return ProcFiles.read(process.resolve("comm")).strip();
        } catch (IOException gone) {
            return null;
        }
    }
}
