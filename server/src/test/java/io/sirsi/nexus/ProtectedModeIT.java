package io.sirsi.nexus;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protected mode seen from another machine: a network namespace joined to this one by a veth pair, with private
 * addresses in a /30 that only this test creates, removed afterwards. Needs root and iproute2; CI has both.
 */
class ProtectedModeIT {

    private static final long PID = ProcessHandle.current().pid();
    private static final String NAMESPACE = "sirsi-pm-" + PID;
    private static final String HOST_LINK = "snpm-h-" + PID % 100_000;
    private static final String PEER_LINK = "snpm-n-" + PID % 100_000;
    /** One /30 of 10.231.0.0/16 per test process, so that concurrent runs on one machine do not collide. */
    private static final int BLOCK = (int) (PID % 16_384);
    private static final String HOST_ADDRESS = "10.231." + BLOCK / 64 + "." + (BLOCK % 64 * 4 + 1);
    private static final String PEER_ADDRESS = "10.231." + BLOCK / 64 + "." + (BLOCK % 64 * 4 + 2);
    private static final String REMOTE_KEY = "remote-writer-key-4d1f";
    private static final String SCRAPE_KEY = "remote-scrape-key-9a2e";

    private static boolean created;

    @BeforeAll
    static void createNamespace() throws Exception {
        String missing = missingPrerequisite();
        Prerequisite.require(missing == null, "cannot test protected mode in a network namespace: " + missing);
        created = true;
        run("ip", "netns", "add", NAMESPACE);
        run("ip", "link", "add", HOST_LINK, "type", "veth", "peer", "name", PEER_LINK);
        run("ip", "link", "set", PEER_LINK, "netns", NAMESPACE);
        run("ip", "addr", "add", HOST_ADDRESS + "/30", "dev", HOST_LINK);
        run("ip", "link", "set", HOST_LINK, "up");
        inNamespace("ip", "addr", "add", PEER_ADDRESS + "/30", "dev", PEER_LINK);
        inNamespace("ip", "link", "set", PEER_LINK, "up");
        inNamespace("ip", "link", "set", "lo", "up");
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (created) {
            // Deleting the namespace deletes the veth end inside it, and with it the pair.
            exec(List.of("ip", "netns", "del", NAMESPACE));
            exec(List.of("ip", "link", "del", HOST_LINK));
        }
    }

    @Test
    void withoutKeysOnlyLoopbackAndHealthProbesAreAnswered() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-protected");
        try (RegistryProcess registry = RegistryProcess.start(dataDir, "-Dquarkus.http.host=0.0.0.0")) {
            String before = registry.request().get("/ports/overview").then().statusCode(200).extract().asString();

            Answer refused = curl(registry, "GET", "/ports/overview");
            assertEquals(403, refused.status(), refused.toString());
            assertTrue(refused.contentType().startsWith("application/problem+json"), refused.toString());
            assertTrue(refused.body().contains("\"type\":\"urn:sirsi-nexus:problem:protected-mode\""), refused.body());
            assertTrue(refused.body().contains("sirsi.auth.keys.<name>=<role>:<sha256-hex of the key>"),
                    refused.body());
            assertTrue(refused.body().contains("not " + PEER_ADDRESS), refused.body());

            Answer allocate = curl(registry, "POST", "/ports/allocate", "-H", "Content-Type: application/json",
                    "--data", "{\"service_name\":\"intruder\",\"service_type\":\"rest-api\"}");
            assertEquals(403, allocate.status(), allocate.toString());
            assertEquals(403, curl(registry, "GET", "/q/metrics").status());
            // Refused before authentication looks at a key: a key does not open a keyless registry.
            Answer withKey = curl(registry, "GET", "/ports/overview", "-H", "Authorization: Bearer " + REMOTE_KEY);
            assertEquals(403, withKey.status(), withKey.toString());
            assertTrue(withKey.body().contains("protected-mode"), withKey.body());

            assertEquals(200, curl(registry, "GET", "/q/health/ready").status());
            assertEquals(200, curl(registry, "GET", "/q/health/live").status());
            assertEquals(403, curl(registry, "GET", "/q/health/../../ports/overview").status());

            // A page in a browser on this machine: a foreign Origin, a DNS-rebound Host (issue 22, item 6).
            registry.request().header("Origin", "http://evil.example").post("/ports/cleanup?force=true").then()
                    .statusCode(403).body("type", equalTo("urn:sirsi-nexus:problem:foreign-origin"));
            registry.request().header("Host", "rebind.attacker.example:" + registry.port()).get("/ports/allocations")
                    .then().statusCode(403).body("type", equalTo("urn:sirsi-nexus:problem:host-not-allowed"));

            registry.request().get("/ports/overview").then().statusCode(200).body(equalTo(before));
        }
    }

    @Test
    void withKeysTheNetworkIsServedToClientsWithAKey() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-keyed");
        try (RegistryProcess registry = RegistryProcess.start(dataDir, "-Dquarkus.http.host=0.0.0.0",
                "-Dsirsi.auth.keys.remote=writer:" + ApiKeys.sha256Hex(REMOTE_KEY),
                "-Dsirsi.auth.keys.prometheus=metrics:" + ApiKeys.sha256Hex(SCRAPE_KEY))) {
            Answer anonymous = curl(registry, "GET", "/ports/overview");
            assertEquals(401, anonymous.status(), anonymous.toString());
            assertTrue(anonymous.contentType().startsWith("application/problem+json"), anonymous.toString());

            Answer allocated = curl(registry, "POST", "/ports/allocate", "-H", "Authorization: Bearer " + REMOTE_KEY,
                    "-H", "Content-Type: application/json",
                    "--data", "{\"service_name\":\"remote-svc\",\"service_type\":\"rest-api\"}");
            assertEquals(200, allocated.status(), allocated.toString());
            assertEquals(200, curl(registry, "GET", "/ports/service/remote-svc", "-H", "X-API-Key: " + REMOTE_KEY)
                    .status());
            // Keys apply to loopback too once configured.
            registry.request().get("/ports/overview").then().statusCode(401);

            // Metrics need a key of role metrics; probes and the API's description do not (issue 22, item 7).
            Answer metrics = curl(registry, "GET", "/q/metrics");
            assertEquals(401, metrics.status(), metrics.toString());
            assertTrue(metrics.contentType().startsWith("application/problem+json"), metrics.toString());
            assertEquals(200, curl(registry, "GET", "/q/metrics", "-H", "Authorization: Bearer " + SCRAPE_KEY)
                    .status());
            assertEquals(403, curl(registry, "GET", "/ports/overview", "-H", "Authorization: Bearer " + SCRAPE_KEY)
                    .status());
            assertEquals(200, curl(registry, "GET", "/q/openapi").status());
            assertEquals(200, curl(registry, "GET", "/q/health/ready").status());
        }
    }

    record Answer(int status, String contentType, String body) {
    }

    /** An HTTP request sent from inside the namespace, i.e. from another address than loopback. */
    private static Answer curl(RegistryProcess registry, String method, String path, String... options)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE, "curl", "-sS",
                "--path-as-is", "--max-time", "20", "-X", method, "-w", "\n%{http_code} %{content_type}"));
        command.addAll(List.of(options));
        command.add("http://" + HOST_ADDRESS + ":" + registry.port() + path);
        String output = exec(command);
        int lastLine = output.lastIndexOf('\n');
        String[] statusAndType = output.substring(lastLine + 1).split(" ", 2);
        return new Answer(Integer.parseInt(statusAndType[0]), statusAndType.length > 1 ? statusAndType[1] : "",
                output.substring(0, lastLine));
    }

    private static String missingPrerequisite() throws Exception {
        if (!"0".equals(exec(List.of("id", "-u")).trim())) {
            return "it needs root to create a network namespace";
        }
        for (String tool : new String[] {"ip", "curl"}) {
            if (exec(List.of("sh", "-c", "command -v " + tool + " || true")).isBlank()) {
                return "'" + tool + "' is not installed (Debian packages iproute2 and curl)";
            }
        }
        return null;
    }

    private static void inNamespace(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** Runs a command and returns its standard output, whatever its exit code. */
    private static String exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
    }
}
