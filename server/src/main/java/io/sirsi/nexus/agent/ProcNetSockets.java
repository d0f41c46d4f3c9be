package io.sirsi.nexus.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sockets bound on the host, from {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}: TCP only in
 * state LISTEN (an outgoing connection's local port is not a listener), UDP unconnected (state 07, bound and waiting
 * for datagrams). Plain text parsing: no reflection, nothing a native image needs told.
 */
final class ProcNetSockets {

    /** {@code TCP_LISTEN} in include/net/tcp_states.h. */
    private static final String TCP_LISTEN = "0A";
    /** {@code TCP_CLOSE}: what an unconnected, bound UDP socket shows. */
    private static final String UDP_UNCONNECTED = "07";

    /** One socket: its protocol, local address and port, and the inode that links it to its owner's fds. */
    record Socket(String protocol, String address, int port, long inode) {
    }

    private ProcNetSockets() {
    }

    /**
     * Every listening socket under {@code procRoot/net}; a table the kernel lacks (no IPv6) is skipped, but without
     * {@code tcp} there is nothing to report from: no scan rather than a picture of a host without listeners.
     */
    static List<Socket> read(Path procRoot) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(procRoot.resolve("net").resolve(table));
            } catch (NoSuchFileException absent) {
                if ("tcp".equals(table)) {
                    throw new NoSuchFileException(absent.getFile(), null, "no TCP socket table: not a Linux /proc");
                }
                continue;
            }
            String protocol = table.startsWith("tcp") ? "tcp" : "udp";
            parse(lines, protocol, sockets);
        }
        return sockets;
    }

    /** The table's lines (the first is its header) into sockets of the protocol. */
    static void parse(List<String> lines, String protocol, List<Socket> into) {
        String wanted = "tcp".equals(protocol) ? TCP_LISTEN : UDP_UNCONNECTED;
        for (int i = 1; i < lines.size(); i++) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            String[] fields = lines.get(i).trim().split("\\s+");
            if (fields.length < 10 || !wanted.equals(fields[3])) {
                continue;
            }
            int colon = fields[1].indexOf(':');
            if (colon < 0) {
                continue;
            }
            into.add(new Socket(protocol, address(fields[1].substring(0, colon)),
                    Integer.parseInt(fields[1].substring(colon + 1), 16), Long.parseLong(fields[9])));
        }
    }

    /**
     * The kernel's hex of an address: IPv4 as one 32-bit word, IPv6 as four, each in the host's byte order
     * (little-endian on every platform this runs on).
     */
    static String address(String hex) {
        if (hex.length() == 8) {
            int word = (int) Long.parseLong(hex, 16);
            return (word & 0xff) + "." + (word >> 8 & 0xff) + "." + (word >> 16 & 0xff) + "." + (word >>> 24);
        }
        StringBuilder groups = new StringBuilder();
        for (int word = 0; word < 4; word++) {
            long value = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
            long bigEndian = Long.reverseBytes(value) >>> 32;
            groups.append(word == 0 ? "" : ":").append(Long.toHexString(bigEndian >>> 16)).append(':')
                    .append(Long.toHexString(bigEndian & 0xffff));
        }
        return compress(groups.toString());
    }

    /** RFC 5952's short form: the longest run of zero groups (two or more) becomes {@code ::}. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && "0".equals(groups[j])) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
