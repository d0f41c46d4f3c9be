package io.sirsi.nexus.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent given another /proc reads it only from inside that host's network namespace. */
class HostNetworkNamespaceTest {

    @TempDir
    Path dir;

    private Path proc(String hostNamespace) throws IOException {
        Path proc = dir.resolve("host-proc");
        Files.createDirectories(proc.resolve("1/ns"));
        Files.createSymbolicLink(proc.resolve("1/ns/net"), Path.of(hostNamespace));
        return proc;
    }

    @Test
    void anAgentOutsideTheHostsNetworkNamespaceIsRefusedAndOneInsideIsNot() throws IOException {
        Path own = dir.resolve("self-net");
        Files.createSymbolicLink(own, Path.of("net:[4026532201]"));

        Path proc = proc("net:[4026531840]");
        assertEquals(Optional.of("--proc " + proc + ": this agent is not in that host's network namespace (it is in"
                + " net:[4026532201], the host's is net:[4026531840]) and would report its own sockets as the host's;"
                + " run it with the host's network (hostNetwork: true, docker run --network host)"),
                HostNetworkNamespace.refusal(proc, own));

        Files.delete(own);
        Files.createSymbolicLink(own, Path.of("net:[4026531840]"));
        assertEquals(Optional.empty(), HostNetworkNamespace.refusal(proc, own));
        assertThrows(IOException.class, () -> HostNetworkNamespace.refusal(dir.resolve("no-proc"), own));
    }

    @Test
    void thisMachinesOwnProcIsItsOwnNamespace() throws IOException {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/1/ns/net")) && Files.isReadable(Path.of("/proc/1/ns/net")),
                "no /proc/1/ns/net to read: not Linux, or not allowed");
        Path pidOneNamespace = Files.readSymbolicLink(Path.of("/proc/1/ns/net"));
        assumeTrue(pidOneNamespace.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net"))),
                "this JVM runs in a network namespace of its own");
        assertEquals(Optional.empty(), HostNetworkNamespace.refusal(Path.of("/proc")));
    }
}
