package io.sirsi.nexus.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the agent shares the network namespace of the host whose {@code /proc} it was given ({@code --proc}).
 * The socket tables are per network namespace, and {@code DIR/net} is a link to {@code self/net}: whatever
 * {@code /proc} it is reached through, it shows the reading process's own namespace's sockets. Checks run on the
 * agent's loopback, and its interfaces are its namespace's too. So an agent outside the host's network namespace
 * (a container without host networking that mounts the host's {@code /proc}) would report a host without listeners;
 * it is refused instead.
 */
public final class HostNetworkNamespace {

    private static final Path OWN = Path.of("/proc/self/ns/net");

    private HostNetworkNamespace() {
    }

    /** Why the agent may not read {@code procRoot} as its host's, if it may not; empty when it may. */
    public static Optional<String> refusal(Path procRoot) throws IOException {
        return refusal(procRoot, OWN);
    }

    /**
     * As {@link #refusal(Path)}, with the link naming the agent's own namespace. Compares the namespace of the
     * host's first process ({@code procRoot/1/ns/net}) with the agent's; throws when either cannot be read.
     */
    static Optional<String> refusal(Path procRoot, Path own) throws IOException {
        String host = Files.readSymbolicLink(procRoot.resolve("1/ns/net")).toString();
        String agent = Files.readSymbolicLink(own).toString();
        return host.equals(agent) ? Optional.empty() : Optional.of("--proc " + procRoot + ": this agent is not in"
                + " that host's network namespace (it is in " + agent + ", the host's is " + host + ") and would"
                + " report its own sockets as the host's; run it with the host's network (hostNetwork: true,"
                + " docker run --network host)");
    }
}
