package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code prometheus}) discovers the packaged registry's services through
 * {@code http_sd_configs} with a reader key, as the README configures it, and forgets a service that is released.
 * Without Prometheus the test is skipped, saying so, except under CI, where that is a failure.
 */
class PrometheusSdIT {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final String READER_KEY = "prometheus-reader-key-3d9e";
    private static final String WRITER_KEY = "writer-key-8a41c7";
    /** Long enough for a slow, shared machine; the loops end as soon as Prometheus agrees. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void prometheusListsRegisteredServicesAndDropsAReleasedOne() throws Exception {
        requirePrometheus();
        try (RegistryProcess registry = RegistryProcess.start(temp.resolve("data"),
                "-Dsirsi.auth.keys.prometheus=reader:" + ApiKeys.sha256Hex(READER_KEY),
                "-Dsirsi.auth.keys.deployer=writer:" + ApiKeys.sha256Hex(WRITER_KEY));
                Prometheus prometheus = Prometheus.start(temp, registry.port())) {
            writer(registry).contentType(ContentType.JSON).body(Map.of("service_name", "statsd", "service_type",
                    "custom", "protocol", "udp")).post("/ports/allocate").then().statusCode(200);
            String orders = allocate(registry, "orders", "rest-api");
            allocate(registry, "billing", "rest-api");
            allocate(registry, "sessions", "cache");

            Set<String> services = prometheus.awaitServices(found -> found.size() == 3);
            assertEquals(Set.of("billing", "orders", "sessions"), services);
            // the README's rule drops a UDP service: a scrape is HTTP
            assertEquals(List.of("statsd"), io.restassured.RestAssured.given().baseUri("http://127.0.0.1")
                    .port(prometheus.port()).queryParam("state", "any").get("/api/v1/targets").then()
                    .statusCode(200).extract().jsonPath().getList("data.droppedTargets.discoveredLabels"
                            + ".__meta_sirsi_service"));
            JsonPath targets = prometheus.targets();
            assertEquals("rest-api", targets.getString(
                    "data.activeTargets.find { it.labels.service == 'orders' }.discoveredLabels.__meta_sirsi_type"));
            assertEquals(orders, targets.getString(
                    "data.activeTargets.find { it.labels.service == 'orders' }.discoveredLabels"
                            + ".__meta_sirsi_allocation_id"));

            writer(registry).contentType(ContentType.JSON).body(Map.of("allocation_id", orders))
                    .post("/ports/release").then().statusCode(200);
            assertEquals(Set.of("billing", "sessions"), prometheus.awaitServices(found -> !found.contains("orders")));
        }
    }

    private static String allocate(RegistryProcess registry, String name, String type) {
        return writer(registry).contentType(ContentType.JSON)
                .body(Map.of("service_name", name, "service_type", type)).post("/ports/allocate")
                .then().statusCode(200).extract().path("allocation.allocation_id");
    }

    private static RequestSpecification writer(RegistryProcess registry) {
        return registry.request().header("Authorization", "Bearer " + WRITER_KEY);
    }

    private static void requirePrometheus() {
        Prerequisite.require(Files.isExecutable(PROMETHEUS),
                PROMETHEUS + " is missing: install Debian's prometheus package (.ci/run does)");
    }

    /** A Prometheus server on a free loopback port, its data in a temp dir, discovering from the registry. */
    private record Prometheus(Process process, int port, Path log) implements AutoCloseable {

        static Prometheus start(Path dir, int registryPort) throws IOException, InterruptedException {
            Path config = dir.resolve("prometheus.yml");
            // the README's scrape config, with a 1 s refresh; nothing is worth scraping, so scrapes are rare.
            // "type: Bearer" is the documented default, but Prometheus 2.42's http_sd_configs send the bare key
            // without it (seen here: "Authorization: <key>"), which no bearer-token server accepts
            Files.writeString(config, """
                    global:
                      scrape_interval: 1m
                    scrape_configs:
                      - job_name: sirsi-nexus-services
                        http_sd_configs:
                          - url: http://127.0.0.1:%d/ports/sd/prometheus
                            refresh_interval: 1s
                            authorization:
                              type: Bearer
                              credentials: %s
                        relabel_configs:
                          - source_labels: [__meta_sirsi_protocol]
                            regex: udp
                            action: drop
                          - source_labels: [__meta_sirsi_service]
                            target_label: service
                    """.formatted(registryPort, READER_KEY));
            int port = RegistryProcess.freePort();
            Path log = dir.resolve("prometheus.log");
            Process process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Prometheus(process, port, log);
        }

        /** Polls /api/v1/targets until the discovered services satisfy the condition; fails after a while. */
        Set<String> awaitServices(Predicate<Set<String>> condition) throws IOException {
            AtomicReference<Set<String>> listed = new AtomicReference<>(Set.of());
            try {
                return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                        .failFast("prometheus exited", () -> !process.isAlive())
                        .until(() -> listedServices(listed), condition);
            } catch (TerminalFailureException exited) {
                return fail("prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
            } catch (ConditionTimeoutException notThere) {
                return fail("Prometheus did not get there within " + PATIENCE + "; it lists " + listed.get()
                        + "; its log:\n" + Files.readString(log));
            }
        }

        /** The services Prometheus lists as active targets now (none while it starts and refuses connections). */
        private Set<String> listedServices(AtomicReference<Set<String>> listed) {
            try {
                listed.set(new TreeSet<>(targets().<String>getList("data.activeTargets.labels.service")));
            } catch (RuntimeException notYetListening) {
                // connection refused while Prometheus starts
            }
            return listed.get();
        }

        JsonPath targets() {
            return io.restassured.RestAssured.given().baseUri("http://127.0.0.1").port(port)
                    .queryParam("state", "active").get("/api/v1/targets").then().statusCode(200)
                    .extract().jsonPath();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
