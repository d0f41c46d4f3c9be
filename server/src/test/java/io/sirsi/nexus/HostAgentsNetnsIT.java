package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.dns.Dig;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host agents on real hosts: two network namespaces, each a host with its own sockets, joined to the registry in the
 * root namespace by a veth pair; the packaged jar's {@code agent} runs inside each, and real listeners
 * ({@code python3 -m http.server}) run beside it. Where namespaces cannot be made the test says why and is skipped,
 * except under {@code CI=true}, where it fails: CI must run it.
 */
class HostAgentsNetnsIT {

    private static final String AGENT_KEY = "netns-agent-key-5e1";
    private static final String ADMIN_KEY = "netns-admin-key-9c2";

    @TempDir
    static Path work;

    private static NetworkNamespace hostA;
    private static NetworkNamespace hostB;
    private static RegistryProcess registry;
    private static int registryPort;
    private static int dnsPort;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void hosts() throws Exception {
        String unavailable = NetworkNamespace.unavailableBecause();
        Prerequisite.require(unavailable == null, "the host agent tests need network namespaces: " + unavailable);
        hostA = NetworkNamespace.create();
        hostB = NetworkNamespace.create();
        registryPort = RegistryProcess.freePort();
        dnsPort = RegistryProcess.freePort();
        registry = startRegistry();
    }

    private static RegistryProcess startRegistry() throws IOException {
        return RegistryProcess.start(work.resolve("data"), registryPort, "-Dquarkus.http.host=0.0.0.0",
                "-Dsirsi.auth.keys.agents=agent:" + ApiKeys.sha256Hex(AGENT_KEY) + ":node-a,node-b",
                "-Dsirsi.auth.keys.operator=admin:" + ApiKeys.sha256Hex(ADMIN_KEY),
                "-Dsirsi.ports.agents.dark-after=3s", "-Dsirsi.dns.port=" + dnsPort);
    }

    @AfterAll
    static void removeHosts() throws Exception {
        if (registry != null) {
            registry.close();
        }
        for (NetworkNamespace host : new NetworkNamespace[] {hostA, hostB}) {
            if (host != null) {
                host.close();
            }
        }
    }

    @AfterEach
    void stopStarted() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private static RequestSpecification admin() {
        return registry.request().auth().oauth2(ADMIN_KEY);
    }

    /** A real listener on the host: its process id is the listener's PID ({@code ip netns exec} execs it). */
    private Process listener(NetworkNamespace host, int port) throws IOException {
        return listener(host, port, "0.0.0.0");
    }

    /** A real listener on the host, bound to this address of it. */
    private Process listener(NetworkNamespace host, int port, String address) throws IOException {
        return started(host, port, "python3", "-m", "http.server", Integer.toString(port), "--bind", address);
    }

    /** A process that only receives datagrams: a UDP socket bound to the port, as StatsD or syslog hold one. */
    private Process datagramReceiver(NetworkNamespace host, int port) throws IOException {
        return started(host, port, "python3", "-c", "import socket, time\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "s.bind(('0.0.0.0', " + port + "))\n"
                + "time.sleep(3600)\n");
    }

    /** The command started on the host, once the host's agent has seen its socket on the port. */
    private Process started(NetworkNamespace host, int port, String... command) throws IOException {
        Process process = host.start(work.resolve("listener-" + port + ".log"), command);
        started.add(process);
        await().atMost(Duration.ofSeconds(60)).until(() -> agentOnce(host, hostName(host)).exitCode() == 0
                && hostDetail(hostName(host)).getList("unregistered_listeners.port").contains(port)
                || isHeld(hostName(host), port));
        return process;
    }

    private static String hostName(NetworkNamespace host) {
        return host == hostA ? "node-a" : "node-b";
    }

    /** Whether an allocation on the host holds the port and its agent sees it listening. */
    private static boolean isHeld(String host, int port) {
        var answer = admin().get("/ports/port/" + port + "?host=" + host);
        return answer.statusCode() == 200 && Boolean.TRUE.equals(answer.jsonPath().get("listening"));
    }

    private record Run(int exitCode, String err) {
    }

    /** One report by the packaged agent inside the host ({@code --reports 1}), run to its end. */
    private static Run agentOnce(NetworkNamespace host, String name) throws IOException, InterruptedException {
        return agentOnce(host, name, AGENT_KEY);
    }

    private static Run agentOnce(NetworkNamespace host, String name, String key, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(agentCommand(host, name, key));
        command.addAll(List.of("--reports", "1"));
        command.addAll(List.of(options));
        Path err = Files.createTempFile(work, "agent-", ".err");
        Process agent = host.start(err, command.toArray(String[]::new));
        if (!agent.waitFor(60, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
            fail("the agent's one report took over 60 s");
        }
        return new Run(agent.exitValue(), Files.readString(err));
    }

    private static List<String> agentCommand(NetworkNamespace host, String name, String key) {
        return new ArrayList<>(List.of(RegistryProcess.javaExecutable(), "-jar",
                RegistryProcess.jar().toAbsolutePath().toString(), "agent", "--url",
                "http://" + host.registryAddress() + ":" + registryPort, "--host", name, "--api-key", key));
    }

    private static JsonPath hostDetail(String host) {
        return admin().get("/ports/hosts/" + host).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath allocate(String host, String name, String type) {
        return admin().contentType(ContentType.JSON).body("{\"service_name\":\"" + name + "\",\"service_type\":\""
                + type + "\",\"host\":\"" + host + "\"}").post("/ports/allocate").then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void aSquatterStartedByHandIsSkippedOnItsHostOnly() throws Exception {
        listener(hostA, 6300);

        assertNotEquals(6300, allocate("node-a", "after-squatter", "cache").getInt("allocation.port"));
        assertEquals(6300, allocate("node-b", "after-squatter", "cache").getInt("allocation.port"));
        admin().get("/ports/hosts").then().body("'node-a'.unregistered_listeners", equalTo(1));

        Process cli = new ProcessBuilder(RegistryProcess.javaExecutable(), "-jar", RegistryProcess.jar().toString(),
                "ports", "hosts", "node-a", "--url", registry.url(), "--api-key", ADMIN_KEY)
                .redirectErrorStream(true).start();
        String shown = new String(cli.getInputStream().readAllBytes());
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, cli.exitValue(), shown);
        assertTrue(shown.contains("node-a: agent ") && shown.lines().anyMatch(line -> line.contains("6300")
                && line.contains("python3")), shown);
    }

    /** The DNS interface answers a host's name with the address its agent sees, or the one it is told to give. */
    @Test
    void aHostsNameIsAnsweredWithTheAddressItsAgentReports() throws Exception {
        assertEquals(0, agentOnce(hostA, "node-a").exitCode());
        // the namespace's own address: not its loopback, nor the fe80:: address its link has
        assertEquals(List.of(hostA.hostAddress()), Dig.query(dnsPort, "node-a.host.sirsi.", "A").answerData());
        assertEquals(List.of(), Dig.query(dnsPort, "node-a.host.sirsi.", "AAAA").answerData());

        Run told = agentOnce(hostB, "node-b", AGENT_KEY, "--address", "192.0.2.7", "--address", "2001:db8::7");
        assertEquals(0, told.exitCode(), told.err());
        assertEquals(List.of("192.0.2.7"), Dig.query(dnsPort, "node-b.host.sirsi.", "A").answerData());
        assertEquals(List.of("2001:db8::7"), Dig.query(dnsPort, "node-b.host.sirsi.", "AAAA").answerData());

        // the host's /proc, read from another network namespace, would show this namespace's sockets: refused, or
        // where the host's first process may not be looked at (a sandbox), said on stderr
        Run elsewhere = agentOnce(hostB, "node-b", AGENT_KEY, "--proc", "/proc");
        if (canReadPidOnesNetworkNamespace()) {
            assertEquals(2, elsewhere.exitCode(), elsewhere.err());
            assertEquals(2, elsewhere.err().lines().count(), elsewhere.err()); // the problem, and where help is
            assertTrue(elsewhere.err().startsWith("sirsi-nexus: --proc /proc: this agent is not in that host's"
                    + " network namespace"), elsewhere.err());
        } else {
            assertEquals(0, elsewhere.exitCode(), elsewhere.err());
            assertTrue(elsewhere.err().startsWith("sirsi-nexus agent: cannot tell whether this agent is in the"
                    + " network namespace of --proc /proc"), elsewhere.err());
        }

        Run wrong = agentOnce(hostB, "node-b", AGENT_KEY, "--address", "node-b.example");
        assertEquals(2, wrong.exitCode(), wrong.err());
        assertEquals(List.of("sirsi-nexus: --address node-b.example: not an IP address (write e.g. 10.0.0.7 or"
                + " fd00::7)", "See 'sirsi-nexus agent --help'."), wrong.err().lines().toList());
    }

    private static boolean canReadPidOnesNetworkNamespace() {
        try {
            Files.readSymbolicLink(Path.of("/proc/1/ns/net"));
            return true;
        } catch (IOException notAllowed) {
            return false;
        }
    }

    @Test
    void aUdpServiceListensOnItsBoundSocketAndItsPidIsTheProcessId() throws Exception {
        int port = admin().contentType(ContentType.JSON).body("{\"service_name\":\"statsd\",\"service_type\":"
                + "\"custom\",\"host\":\"node-b\",\"protocol\":\"udp\",\"liveness\":\"listener\"}")
                .post("/ports/allocate").then().statusCode(200).extract().path("allocation.port");
        Process receiver = datagramReceiver(hostB, port);
        admin().get("/ports/service/statsd?host=node-b").then().body("listening", equalTo(true))
                .body("process_id", equalTo((int) receiver.pid())).body("protocol", equalTo("udp"));

        receiver.destroyForcibly();
        receiver.waitFor();
        for (int report = 1; report <= 3; report++) {
            assertEquals(0, agentOnce(hostB, "node-b").exitCode());
        }
        admin().get("/ports/service/statsd?host=node-b").then().body("status", equalTo("Expired"));
    }

    @Test
    void aKilledListenerIsNotListeningAfterTheThirdReportAndItsPidWasTheProcessId() throws Exception {
        int port = allocate("node-b", "db", "database").getInt("allocation.port");
        Process listener = listener(hostB, port);
        admin().get("/ports/service/db?host=node-b").then().body("listening", equalTo(true))
                .body("process_id", equalTo((int) listener.pid()));

        listener.destroyForcibly();
        listener.waitFor();
        for (int report = 1; report <= 2; report++) {
            assertEquals(0, agentOnce(hostB, "node-b").exitCode());
            admin().get("/ports/service/db?host=node-b").then().body("listening", equalTo(true));
        }
        assertEquals(0, agentOnce(hostB, "node-b").exitCode());
        admin().get("/ports/service/db?host=node-b").then().body("listening", equalTo(false))
                .body("status", equalTo("Active"));
    }

    @Test
    void aCheckPassesFailsAndRecoversWithItsInstanceLeavingDiscoveryMeanwhile() throws Exception {
        JsonPath allocated = admin().contentType(ContentType.JSON).body("{\"service_name\":\"checked-web\","
                + "\"service_type\":\"frontend\",\"host\":\"node-b\",\"check\":{\"type\":\"http\","
                + "\"path\":\"/\",\"interval\":\"1s\",\"timeout\":\"1s\"}}").post("/ports/allocate").then()
                .statusCode(200).extract().jsonPath();
        int port = allocated.getInt("allocation.port");
        // bound to the host's own address only, not loopback: the agent checks it where it listens
        Process web = listener(hostB, port, hostB.hostAddress());
        List<String> command = agentCommand(hostB, "node-b", AGENT_KEY);
        command.addAll(List.of("--interval", "1"));
        started.add(hostB.start(work.resolve("agent-checks.log"), command.toArray(String[]::new)));

        awaitCheck("passing");
        admin().get("/ports/service/checked-web?host=node-b").then()
                .body("check.output", containsString("HTTP GET /: 200"));
        assertTrue(discovered().contains("node-b:" + port));

        web.destroyForcibly();
        web.waitFor();
        awaitCheck("critical");
        assertFalse(discovered().contains("node-b:" + port), "a critical instance leaves discovery");

        listener(hostB, port, hostB.hostAddress());
        awaitCheck("passing");
        assertTrue(discovered().contains("node-b:" + port), "and comes back when it passes again");
        admin().get("/ports/history?service=checked-web").then().body("type", hasItem("check_critical"));
    }

    private static String discovered() {
        return admin().get("/ports/sd/prometheus").then().statusCode(200).extract().asString();
    }

    private static void awaitCheck(String status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> status.equals(
                admin().get("/ports/service/checked-web?host=node-b").jsonPath().getString("check.status")));
    }

    @Test
    void anAgentWithTheWrongKeyOrHostIsRefused() throws Exception {
        Run wrongKey = agentOnce(hostA, "node-a", "not-the-key");
        assertNotEquals(0, wrongKey.exitCode());
        assertEquals(1, wrongKey.err().lines().count(), wrongKey.err());
        assertTrue(wrongKey.err().contains("report failed"), wrongKey.err());
        Run wrongHost = agentOnce(hostA, "node-c");
        assertNotEquals(0, wrongHost.exitCode());
        assertTrue(wrongHost.err().contains("may report only for node-a, node-b"), wrongHost.err());
        admin().get("/ports/hosts").then().body("$", not(hasItem("node-c")));
    }

    @Test
    void aPartitionHoldsTheHostDarkAndAgentAndRegistryRestartsLoseNothing() throws Exception {
        String kept = allocate("node-a", "kept", "custom").getString("allocation.allocation_id");
        Process agent = hostA.start(work.resolve("agent-a.log"), agentCommand(hostA, "node-a", AGENT_KEY)
                .toArray(String[]::new));
        started.add(agent);
        awaitAgent("node-a", "reporting");

        hostA.link(false);
        awaitAgent("node-a", "dark");
        admin().get("/ports/health").then().body("dark_hosts", hasItem("node-a"))
                .body("message", containsString("node-a"));
        admin().get("/ports/service/kept?host=node-a").then().statusCode(200).body("status", equalTo("Active"));

        hostA.link(true);
        awaitAgent("node-a", "reporting");
        admin().get("/ports/health").then().body("dark_hosts", not(hasItem("node-a")));

        registry.close();
        // the registry stays away until the agent has tried and said so (its next report, within an interval): a
        // restart quicker than the interval would otherwise go unseen, and prove nothing about the agent's retry
        long failedBefore = failedReports("agent-a.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> failedReports("agent-a.log") > failedBefore);
        registry = startRegistry();
        awaitAgent("node-a", "reporting"); // the agent backed off while the registry was away, then reported again
        admin().get("/ports/allocations?host=node-a").then().body("allocation_id", hasItem(kept));

        agent.destroy();
        agent.waitFor();
        Process again = hostA.start(work.resolve("agent-a2.log"), agentCommand(hostA, "node-a", AGENT_KEY)
                .toArray(String[]::new));
        started.add(again);
        String before = admin().get("/ports/hosts").jsonPath().getString("'node-a'.agent.last_report");
        await().atMost(Duration.ofSeconds(60)).until(() -> !before.equals(admin().get("/ports/hosts").jsonPath()
                .getString("'node-a'.agent.last_report")));
        admin().get("/ports/allocations?host=node-a").then().body("allocation_id", hasItem(kept));
    }

    /** The agent's one-line reports of a failed report, so far. */
    private static long failedReports(String log) throws IOException {
        return Files.readString(work.resolve(log)).lines().filter(line -> line.contains("report failed")).count();
    }

    private static void awaitAgent(String host, String status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(admin().get("/ports/hosts").jsonPath().getString("'" + host
                        + "'.agent.status")));
    }
}
