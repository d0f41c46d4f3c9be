package io.sirsi.nexus;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protected mode seen from another machine: a network namespace joined to this one by a veth pair
 * ({@link NetworkNamespace}), removed afterwards. Needs root and iproute2; CI has both.
 */
class ProtectedModeIT {

    private static final String REMOTE_KEY = "remote-writer-key-4d1f";
    private static final String SCRAPE_KEY = "remote-scrape-key-9a2e";

    /** The other machine; the registry listens on every address, this one's link among them. */
    private static NetworkNamespace remote;

    @BeforeAll
    static void createNamespace() throws Exception {
        String missing = missingPrerequisite();
        Prerequisite.require(missing == null, "cannot test protected mode in a network namespace: " + missing);
        remote = NetworkNamespace.create();
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (remote != null) {
            remote.close();
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
            assertTrue(refused.body().contains("not " + remote.hostAddress()), refused.body());

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
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--path-as-is", "--max-time", "20", "-X",
                method, "-w", "\n%{http_code} %{content_type}"));
        command.addAll(List.of(options));
        command.add("http://" + remote.registryAddress() + ":" + registry.port() + path);
        String output = remote.output(command.toArray(String[]::new));
        int lastLine = output.lastIndexOf('\n');
        String[] statusAndType = output.substring(lastLine + 1).split(" ", 2);
        return new Answer(Integer.parseInt(statusAndType[0]), statusAndType.length > 1 ? statusAndType[1] : "",
                output.substring(0, lastLine));
    }

    private static String missingPrerequisite() throws Exception {
        String namespaces = NetworkNamespace.unavailableBecause();
        if (namespaces != null) {
            return namespaces;
        }
        Process which = new ProcessBuilder("sh", "-c", "command -v curl").redirectErrorStream(true).start();
        which.getInputStream().readAllBytes();
        return which.waitFor() == 0 ? null : "'curl' is not installed (Debian package curl)";
    }
}
