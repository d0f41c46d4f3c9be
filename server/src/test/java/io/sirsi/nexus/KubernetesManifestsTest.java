package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code k8s/} probe paths this application serves, on the port it listens on, and run
 * {@code start}. (Their schema is checked offline by {@code ci/validate}; this checks they fit the application.)
 */
@QuarkusTest
class KubernetesManifestsTest {

    private static final Map<String, String> PROBES = Map.of("startupProbe", "/q/health/started",
            "livenessProbe", "/q/health/live", "readinessProbe", "/q/health/ready");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void workloadsProbeTheHealthEndpointsOnTheApplicationsPort() throws IOException {
        int applicationPort = productionHttpPort();
        List<JsonNode> workloads = objects().stream()
                .filter(o -> List.of("Deployment", "StatefulSet").contains(o.path("kind").asText())).toList();
        assertEquals(2, workloads.size(), "one StatefulSet (SQLite) and one Deployment (PostgreSQL)");

        for (JsonNode workload : workloads) {
            String name = workload.path("kind").asText();
            JsonNode container = workload.at("/spec/template/spec/containers/0");
            assertEquals("start", container.at("/args/0").asText(), name + " runs the server");
            JsonNode http = container.at("/ports/0");
            assertEquals("http", http.path("name").asText(), name);
            assertEquals(applicationPort, http.path("containerPort").asInt(), name + " container port");
            assertFalse(container.at("/resources/requests").isMissingNode(), name + " has resource requests");
            assertFalse(container.at("/resources/limits").isMissingNode(), name + " has resource limits");

            PROBES.forEach((probe, expectedPath) -> {
                JsonNode get = container.path(probe).path("httpGet");
                assertEquals(expectedPath, get.path("path").asText(), name + " " + probe);
                String port = get.path("port").asText();
                assertTrue(port.equals("http") || port.equals(String.valueOf(applicationPort)),
                        name + " " + probe + " probes port " + port);
                // the application serves it: up while the store answers
                given().when().get(expectedPath).then().statusCode(200);
            });
        }
    }

    @Test
    void theServiceSendsTrafficToTheHttpPort() throws IOException {
        JsonNode service = objects().stream().filter(o -> o.path("kind").asText().equals("Service")).findFirst()
                .orElseThrow();
        assertEquals("http", service.at("/spec/ports/0/targetPort").asText());
    }

    /** A selector that matches no pod protects nothing, silently: the replicas' budget and spread select them. */
    @Test
    void theReplicasBudgetAndSpreadSelectTheirPods() throws IOException {
        JsonNode deployment = objects().stream().filter(o -> o.path("kind").asText().equals("Deployment"))
                .findFirst().orElseThrow();
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        JsonNode budget = objects().stream().filter(o -> o.path("kind").asText().equals("PodDisruptionBudget"))
                .findFirst().orElseThrow();
        assertSelects(budget.at("/spec/selector/matchLabels"), podLabels, "the PodDisruptionBudget");
        assertEquals(1, budget.at("/spec/maxUnavailable").asInt(), "one replica at a time");
        assertSelects(deployment.at("/spec/template/spec/topologySpreadConstraints/0/labelSelector/matchLabels"),
                podLabels, "the topology spread");
    }

    private static void assertSelects(JsonNode matchLabels, JsonNode podLabels, String what) {
        assertFalse(matchLabels.isMissingNode() || matchLabels.isEmpty(), what + " has a selector");
        matchLabels.fields().forEachRemaining(label -> assertEquals(label.getValue().asText(),
                podLabels.path(label.getKey()).asText(), what + " selects the pods by " + label.getKey()));
    }

    /** The port {@code start} listens on in production (tests run on a random one). */
    private static int productionHttpPort() throws IOException {
        Properties properties = new Properties();
        try (var in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        return Integer.parseInt(properties.getProperty("quarkus.http.port"));
    }

    private static List<JsonNode> objects() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        // the manifests are the project's, beside server/, where this test runs
        try (Stream<Path> files = Files.walk(Path.of("..", "k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var parser = YAML.getFactory().createParser(file.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
                }
            }
        }
        return objects;
    }
}
