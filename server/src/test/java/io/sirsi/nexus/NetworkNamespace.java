package io.sirsi.nexus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A host for tests: a network namespace joined to the root namespace by a veth pair, {@code 10.213.N.1} on the
 * root side (where the registry listens) and {@code 10.213.N.2} inside. Needs root (or CAP_NET_ADMIN) and iproute2.
 */
public final class NetworkNamespace implements AutoCloseable {

    private final String name;
    private final String rootSide;
    private final int subnet;

    private NetworkNamespace(String name, String rootSide, int subnet) {
        this.name = name;
        this.rootSide = rootSide;
        this.subnet = subnet;
    }

    /**
     * Why namespaces cannot be made here, or null when they can: tried, not guessed, with a namespace made and
     * removed at once.
     */
    public static String unavailableBecause() {
        String probe = "sn-probe-" + ProcessHandle.current().pid();
        try {
            run("ip", "netns", "add", probe);
            run("ip", "netns", "del", probe);
            return null;
        } catch (IOException | InterruptedException | IllegalStateException e) {
            return "network namespaces cannot be made here (needs root or CAP_NET_ADMIN and iproute2): "
                    + e.getMessage();
        }
    }

    /** A new namespace with its veth pair up; {@code subnet} (1 to 250) keeps two namespaces apart. */
    public static NetworkNamespace create(int subnet) throws IOException, InterruptedException {
        long tag = ProcessHandle.current().pid() % 10_000;
        String name = "sn-" + tag + "-" + subnet;
        String rootSide = "sn" + tag + "r" + subnet;
        String inside = "sn" + tag + "i" + subnet;
        NetworkNamespace namespace = new NetworkNamespace(name, rootSide, subnet);
        run("ip", "netns", "add", name);
        run("ip", "link", "add", rootSide, "type", "veth", "peer", "name", inside);
        run("ip", "link", "set", inside, "netns", name);
        run("ip", "addr", "add", namespace.registryAddress() + "/24", "dev", rootSide);
        run("ip", "link", "set", rootSide, "up");
        run("ip", "netns", "exec", name, "ip", "addr", "add", "10.213." + subnet + ".2/24", "dev", inside);
        run("ip", "netns", "exec", name, "ip", "link", "set", inside, "up");
        run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        return namespace;
    }

    /** The root namespace's address on this host's link: where the host reaches the registry. */
    public String registryAddress() {
        return "10.213." + subnet + ".1";
    }

    /** Starts a command inside the namespace; its output goes to a file. */
    public Process start(Path output, String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(command));
        return new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Cuts the host off (down) or joins it again (up), from the root side of its link. */
    public void link(boolean up) throws IOException, InterruptedException {
        run("ip", "link", "set", rootSide, up ? "up" : "down");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("ip", "link", "del", rootSide); // takes its peer with it
        run("ip", "netns", "del", name);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("sn-ip-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within 30 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
