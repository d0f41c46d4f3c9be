package io.sirsi.nexus.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sirsi.nexus.wire.HostReport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's reading of {@code /proc}: kernel text as fixtures, then this JVM's own real sockets. */
class HostScannerTest {

    private static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"
            + " retrnsmt   uid  timeout inode";
    private static final Instant SCANNED = Instant.parse("2026-12-05T01:00:00Z");

    @TempDir
    Path proc;

    @Test
    void listenersOnlyLocalAndOwnedWhereVisible() throws IOException {
        write("net/tcp", TCP_HEADER,
                // LISTEN on 0.0.0.0:8080, owned by pid 4242
                "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0",
                // LISTEN on 127.0.0.1:5432, an owner this user may not see
                "   1: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 222 1 0",
                // ESTABLISHED from 10.0.0.5:40000 to 10.0.0.9:443: an outgoing connection's port, not a listener
                "   2: 0500000A:9C40 0900000A:01BB 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0");
        write("net/tcp6", TCP_HEADER,
                // LISTEN on [::]:9090
                "   0: 00000000000000000000000000000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000"
                        + " 00:00000000 00000000     0        0 444 1 0",
                // LISTEN on [::1]:9091
                "   1: 00000000000000000000000001000000:2383 00000000000000000000000000000000:0000 0A 00000000:00000000"
                        + " 00:00000000 00000000     0        0 555 1 0");
        write("net/udp", TCP_HEADER,
                // bound UDP on 0.0.0.0:5353
                "   0: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 666 2 0",
                // connected UDP (a client's socket): not a listener
                "   1: 0500000A:D431 0808080:0035 01 00000000:00000000 00:00000000 00000000     0        0 777 2 0");
        write("sys/net/ipv4/ip_local_port_range", "32768\t60999");
        write("sys/net/ipv4/ip_local_reserved_ports", "8080,9000-9010");
        write("4242/comm", "python3");
        Files.createDirectories(proc.resolve("4242/fd"));
        Files.createSymbolicLink(proc.resolve("4242/fd/3"), Path.of("socket:[111]"));
        Files.createSymbolicLink(proc.resolve("4242/fd/4"), Path.of("socket:[666]"));
        Files.createSymbolicLink(proc.resolve("4242/fd/5"), Path.of("/dev/null"));

        HostReport report = new HostScanner(proc, "1.2.3", Clock.fixed(SCANNED, ZoneOffset.UTC), List.of()).scan();

        assertEquals(List.of(
                new HostReport.Listener("tcp", "0.0.0.0", 8080, 4242L, "python3"),
                new HostReport.Listener("tcp", "127.0.0.1", 5432, null, null),
                new HostReport.Listener("tcp", "::", 9090, null, null),
                new HostReport.Listener("tcp", "::1", 9091, null, null),
                new HostReport.Listener("udp", "0.0.0.0", 5353, 4242L, "python3")), report.listeners());
        assertEquals(new HostReport.PortSpan(32768, 60999), report.ephemeralRange());
        assertEquals(List.of(new HostReport.PortSpan(8080, 8080), new HostReport.PortSpan(9000, 9010)),
                report.reservedPorts());
        assertEquals("1.2.3", report.agentVersion());
        assertEquals(SCANNED, report.scannedAt());
    }

    @Test
    void withoutIpv6OrReservedPortsTheRestIsStillReported() throws IOException {
        write("net/tcp", TCP_HEADER);
        write("sys/net/ipv4/ip_local_reserved_ports", "\n");

        HostReport report = new HostScanner(proc, "1.2.3", Clock.systemUTC(), List.of()).scan();

        assertEquals(List.of(), report.listeners());
        assertEquals(List.of(), report.reservedPorts());
        assertEquals(null, report.ephemeralRange());
    }

    @Test
    void aRealListenerIsSeenWithThisProcessAsItsOwner() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "no /proc/net/tcp: not Linux");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                DatagramSocket datagrams = new DatagramSocket(new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), 0));
                Socket outgoing = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            HostReport report = new HostScanner(Path.of("/proc"), "test", Clock.systemUTC(), List.of()).scan();

            long self = ProcessHandle.current().pid();
            assertTrue(report.listeners().stream().anyMatch(seen -> seen.port() == listener.getLocalPort()
                    && "tcp".equals(seen.protocol()) && Long.valueOf(self).equals(seen.pid())), report.toString());
            assertTrue(report.listeners().stream().anyMatch(seen -> seen.port() == datagrams.getLocalPort()
                    && "udp".equals(seen.protocol()) && Long.valueOf(self).equals(seen.pid())), report.toString());
            assertTrue(report.listeners().stream().noneMatch(seen -> seen.port() == outgoing.getLocalPort()
                    && "tcp".equals(seen.protocol())), "an outgoing connection's local port is no listener");
            assertTrue(report.ephemeralRange() != null && report.ephemeralRange().first() > 0);
        }
    }

    private void write(String file, String... lines) throws IOException {
        Path path = proc.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, String.join("\n", lines) + "\n");
    }
}
