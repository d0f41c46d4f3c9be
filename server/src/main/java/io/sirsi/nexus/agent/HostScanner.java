package io.sirsi.nexus.agent;

import io.sirsi.nexus.wire.HostReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One scan of the host: what {@code /proc} says of its sockets, their owners and its port settings. */
public final class HostScanner {

    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    private final Path procRoot;
    private final String agentVersion;
    private final InstantSource clock;
    private final List<String> advertised;

    /**
     * @param procRoot {@code /proc}, or a copy of its files (tests)
     * @param advertised the addresses to report as the host's; empty: as {@link InterfaceAddresses} chooses
     */
    public HostScanner(Path procRoot, String agentVersion, InstantSource clock, List<String> advertised) {
        this.procRoot = procRoot;
        this.agentVersion = agentVersion;
        this.clock = clock;
        this.advertised = List.copyOf(advertised);
    }

    /** The host's full picture now. */
    public HostReport scan() throws IOException {
        List<ProcNetSockets.Socket> sockets = ProcNetSockets.read(procRoot);
        Set<Long> inodes = new HashSet<>();
        for (ProcNetSockets.Socket socket : sockets) {
            inodes.add(socket.inode());
        }
        Map<Long, SocketOwners.Owner> owners = SocketOwners.of(procRoot, inodes);
        List<HostReport.Listener> listeners = new ArrayList<>(sockets.size());
        for (ProcNetSockets.Socket socket : sockets) {
            SocketOwners.Owner owner = owners.get(socket.inode());
            listeners.add(new HostReport.Listener(socket.protocol(), socket.address(), socket.port(),
                    owner == null ? null : owner.pid(), owner == null ? null : owner.process()));
        }
        return new HostReport(agentVersion, clock.instant(), listeners,
                KernelPorts.ephemeralRange(procRoot).orElse(null), KernelPorts.reservedPorts(procRoot),
                advertised.isEmpty() ? InterfaceAddresses.of(procRoot.resolve("net"), SYS_CLASS_NET) : advertised);
    }
}
