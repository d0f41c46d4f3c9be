package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ports exec} with liveness by listener on a real host (a network namespace, as in {@link HostAgentsNetnsIT},
 * with its agent reporting every second): the allocation lives by its child's listening socket, not by exec's
 * heartbeats. The registry of its own here has a heartbeat timeout of 10 s: a heartbeat's absence shows quickly,
 * and the three reports a second apart that find a listener gone still come well within it. Self-preservation is off
 * and cleanup far away, so that what expires stays to be seen.
 *
 * <p>What "its child dies" means here: the process listening on the port dies while exec lives on and heartbeats.
 * Were exec's whole child to exit, exec would release the port itself and listener liveness would decide nothing; the
 * case it exists for is the ghost, a heartbeat that outlives the server (here: the listener is a grandchild that dies
 * while exec's child, a shell, goes on).
 */
class ExecListenerLivenessNetnsIT {

    private static final String AGENT_KEY = "exec-netns-agent-key-3d8";
    private static final String ADMIN_KEY = "exec-netns-admin-key-7f4";
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path work;

    private static NetworkNamespace host;
    private static RegistryProcess registry;
    private static final List<Process> STARTED = new ArrayList<>();

    @BeforeAll
    static void hostAndRegistry() throws Exception {
        String unavailable = NetworkNamespace.unavailableBecause();
        Prerequisite.require(unavailable == null, "the host agent tests need network namespaces: " + unavailable);
        host = NetworkNamespace.create();
        int port = RegistryProcess.freePort();
        registry = RegistryProcess.start(work.resolve("data"), port, "-Dquarkus.http.host=0.0.0.0",
                "-Dsirsi.auth.keys.agents=agent:" + ApiKeys.sha256Hex(AGENT_KEY) + ":node-c",
                "-Dsirsi.auth.keys.operator=admin:" + ApiKeys.sha256Hex(ADMIN_KEY),
                "-Dsirsi.ports.heartbeat-timeout=" + HEARTBEAT_TIMEOUT.toSeconds() + "s",
                "-Dsirsi.ports.self-preservation.threshold=1", "-Dsirsi.ports.cleanup-interval=1h");
        STARTED.add(host.start(work.resolve("agent.log"), jar("agent", "--url", registryUrl(), "--host", "node-c",
                "--api-key", AGENT_KEY, "--interval", "1")));
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (Process process : STARTED) {
            // exec's child and the listener first: a failed test's exec, killed, would leave them running
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
        }
        if (registry != null) {
            registry.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private static String registryUrl() {
        return "http://" + host.registryAddress() + ":" + registry.port();
    }

    private static String[] jar(String... arguments) {
        List<String> command = new ArrayList<>(List.of(RegistryProcess.javaExecutable(), "-jar",
                RegistryProcess.jar().toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        return command.toArray(String[]::new);
    }

    private static RequestSpecification admin() {
        return registry.request().auth().oauth2(ADMIN_KEY);
    }

    private static JsonPath service(String name) {
        return admin().get("/ports/service/" + name + "?host=node-c").then().statusCode(200).extract().jsonPath();
    }

    /**
     * The agent sees the listener and names its owner. Both are absent until exec has allocated and the agent has
     * reported; the owner may lag the listener by one report (a socket that appeared between the agent's reading of
     * the sockets and of the processes' descriptors has no owner yet in that report).
     */
    private static boolean listeningWithItsOwner() {
        JsonPath view = admin().get("/ports/service/web?host=node-c").jsonPath();
        return Boolean.TRUE.equals(view.get("listening")) && view.get("process_id") != null;
    }

    @Test
    void execKeptAliveByItsListenerSurvivesWithoutHeartbeatsAndExpiresWhenTheListenerDies() throws Exception {
        Path listenerPid = work.resolve("listener.pid");
        // exec's child is a shell that starts the listener and stays: the listener can die while exec lives on
        Process exec = host.start(work.resolve("exec.log"), jar("ports", "exec", "web", "frontend", "--host",
                "node-c", "--url", registryUrl(), "--api-key", ADMIN_KEY, "--heartbeat-interval", "1", "--", "sh",
                "-c", "python3 -m http.server \"$PORT\" --bind 0.0.0.0 & echo $! > " + listenerPid
                        + "; exec sleep 100000"));
        STARTED.add(exec);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(
                listenerPid) && !Files.readString(listenerPid).isBlank() && listeningWithItsOwner());
        long pid = Long.parseLong(Files.readString(listenerPid).strip());
        JsonPath seen = service("web");
        assertEquals("listener", seen.getString("liveness"), "exec asks for liveness by listener by default");
        assertEquals(pid, seen.getLong("process_id"), "the agent fills in the listener's PID");

        // exec frozen: not one heartbeat more. A heartbeat allocation made now expires; the listener keeps exec's
        signal("STOP", exec.pid());
        Instant frozen = Instant.now();
        admin().contentType(ContentType.JSON).body("{\"service_name\":\"quiet\",\"service_type\":\"custom\","
                + "\"host\":\"node-c\"}").post("/ports/allocate").then().statusCode(200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> "Expired".equals(service("quiet").getString("status"))
                        && Instant.parse(service("web").getString("last_heartbeat"))
                                .isAfter(frozen.plus(HEARTBEAT_TIMEOUT)));
        assertEquals("Active", service("web").getString("status"),
                "renewed by its listener more than a heartbeat timeout after exec's last heartbeat");

        // exec heartbeats again, but its listener dies: the heartbeats no longer count, and the allocation is not
        // listening after not-listening-after reports (3, a second apart: well within the heartbeat timeout, so that
        // it is the listener's loss that expires it, while it is still Active, not the timeout)
        signal("CONT", exec.pid());
        signal("KILL", pid);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> "Expired".equals(service("web").getString("status")));
        assertTrue(exec.isAlive(), "exec lived on and heartbeated meanwhile: " + Files.readString(work.resolve(
                "exec.log")));
        List<String> events = admin().get("/ports/history?service=web").then().statusCode(200).extract().jsonPath()
                .getList("type", String.class);
        assertTrue(events.containsAll(List.of("not_listening", "expired")), "not listening, and expired: " + events);

        exec.destroy(); // SIGTERM: passed on to the shell, and exec releases the port as it ends
        exec.waitFor();
        admin().get("/ports/service/web?host=node-c").then().statusCode(404);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
}
