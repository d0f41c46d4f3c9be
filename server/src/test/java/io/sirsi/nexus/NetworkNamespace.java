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
 * root side (where the registry listens) and {@code 10.213.N.2} inside, N the first subnet free on the machine.
 * Needs root (or CAP_NET_ADMIN) and iproute2.
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final int MAX_SUBNET = 250;

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

    /**
     * A new namespace with its veth pair up, on the first subnet {@code 10.213.N.0/24} no one else holds. The
     * namespace's name, {@code sn-net-N}, is the claim: {@code ip netns add} makes it or fails because it exists,
     * so two test runs on one machine (a session's and CI's, say) never put the same address on two links, which
     * would send one run's traffic down the other's veth. A subnet left by a run that crashed stays claimed.
     */
    public static NetworkNamespace create() throws IOException, InterruptedException {
        long tag = ProcessHandle.current().pid() % 10_000;
        for (int subnet = 1; subnet <= MAX_SUBNET; subnet++) {
            String name = "sn-net-" + subnet;
            if (!claim(name)) {
                continue;
            }
            if (!run("ip", "-o", "addr", "show", "to", "10.213." + subnet + ".0/24").isEmpty()) {
                run("ip", "netns", "del", name); // an address of the subnet is on a link not made here
                continue;
            }
            NetworkNamespace namespace = new NetworkNamespace(name, "sn" + tag + "r" + subnet, subnet);
            try {
                namespace.join("sn" + tag + "i" + subnet);
            } catch (IOException | InterruptedException | IllegalStateException e) {
                try {
                    namespace.close(); // its link may not exist yet: that failure must not hide the first
                } catch (IOException | IllegalStateException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return namespace;
        }
        throw new IllegalStateException("every subnet 10.213.1-" + MAX_SUBNET + ".0/24 is claimed: remove the "
                + "namespaces left by earlier runs ('ip netns list', 'ip netns del sn-net-N')");
    }

    /** Makes the namespace, or says it exists already; any other failure is thrown. */
    private static boolean claim(String name) throws IOException, InterruptedException {
        try {
            run("ip", "netns", "add", name);
            return true;
        } catch (IllegalStateException e) {
            if (e.getMessage().contains("File exists")) {
                return false;
            }
            throw e;
        }
    }

    private void join(String inside) throws IOException, InterruptedException {
        run("ip", "link", "add", rootSide, "type", "veth", "peer", "name", inside);
        run("ip", "link", "set", inside, "netns", name);
        run("ip", "addr", "add", registryAddress() + "/24", "dev", rootSide);
        run("ip", "link", "set", rootSide, "up");
        run("ip", "netns", "exec", name, "ip", "addr", "add", hostAddress() + "/24", "dev", inside);
        run("ip", "netns", "exec", name, "ip", "link", "set", inside, "up");
        run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
    }

    /** The root namespace's address on this host's link: where the host reaches the registry. */
    public String registryAddress() {
        return "10.213." + subnet + ".1";
    }

    /** The host's own address, inside the namespace. */
    public String hostAddress() {
        return "10.213." + subnet + ".2";
    }

    /** Starts a command inside the namespace; its output goes to a file. */
    public Process start(Path output, String... command) throws IOException {
        return new ProcessBuilder(inside(command)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /**
     * Runs a command inside the namespace to its end and gives its standard output, whatever its exit code (a
     * client's refusal is what a test looks at); its standard error is dropped.
     */
    public String output(String... command) throws IOException, InterruptedException {
        List<String> all = inside(command);
        Process process = new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", all) + " did not end within 30 s");
        }
        return output;
    }

    /** The command as run inside the namespace. */
    private List<String> inside(String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(command));
        return all;
    }

    /** Cuts the host off (down) or joins it again (up), from the root side of its link. */
    public void link(boolean up) throws IOException, InterruptedException {
        run("ip", "link", "set", rootSide, up ? "up" : "down");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("ip", "link", "del", rootSide); // takes its peer with it
        } finally {
            run("ip", "netns", "del", name); // the claim on the subnet goes last
        }
    }

    /** Runs an {@code ip} command to its end and gives its output; a failure throws with that output. */
    private static String run(String... command) throws IOException, InterruptedException {
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
            return Files.readString(output, StandardCharsets.UTF_8).strip();
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
