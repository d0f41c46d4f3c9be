package io.sirsi.nexus.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.sirsi.nexus.EventStream;
import io.sirsi.nexus.Metrics;
import io.sirsi.nexus.RawHttp;
import io.sirsi.nexus.Registry;
import io.vertx.core.http.HttpMethod;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code http_server_requests_seconds} by endpoint, from {@link RequestMetrics}, as a scrape shows it. */
@QuarkusTest
class RequestMetricsTest {

    private static final String REQUESTS = "http_server_requests_seconds_count";
    private static final String ACTIVE = "http_server_active_requests";

    private static String series(String method, String outcome, int status, String uri) {
        return REQUESTS + "{method=\"" + method + "\",outcome=\"" + outcome + "\",status=\"" + status + "\",uri=\""
                + uri + "\"}";
    }

    private static double count(Map<String, Double> samples, String series) {
        return samples.getOrDefault(series, 0.0);
    }

    @Test
    void eachRequestCountsOnceInItsEndpointsSeries() {
        Map<String, Double> before = Metrics.scrape();
        Registry.Granted granted = Registry.grant("metrics-svc", "cache");
        given().get("/ports/service/metrics-svc").then().statusCode(200);
        given().get("/ports/service/metrics-none").then().statusCode(404);
        given().post("/ports/heartbeat/" + granted.allocationId()).then().statusCode(200);
        Registry.allocate("Not A Name", "cache").statusCode(400);
        Registry.release(granted.allocationId()).statusCode(200);
        given().redirects().follow(false).get("/").then().statusCode(302);

        Map<String, Double> after = Metrics.scrape();
        for (String series : List.of(series("POST", "SUCCESS", 200, "/ports/allocate"),
                series("GET", "SUCCESS", 200, "/ports/service/{service_name}"),
                series("GET", "CLIENT_ERROR", 404, "/ports/service/{service_name}"),
                series("POST", "SUCCESS", 200, "/ports/heartbeat/{allocation_id}"),
                series("POST", "CLIENT_ERROR", 400, "/ports/allocate"),
                series("POST", "SUCCESS", 200, "/ports/release"),
                series("GET", "REDIRECTION", 302, "/"))) {
            assertEquals(1.0, count(after, series) - count(before, series), series);
        }
        String sum = series("POST", "SUCCESS", 200, "/ports/allocate").replace("_count{", "_sum{");
        assertTrue(count(after, sum) > count(before, sum), "the time of the allocations is summed: " + sum);
    }

    @Test
    void aPathOrMethodNoEndpointHasIsNeverASeriesOfItsOwn() throws Exception {
        Map<String, Double> before = Metrics.scrape();
        given().get("/no-such/invented-" + System.nanoTime()).then().statusCode(404);
        given().get("/ports/service/invented-a/invented-b").then().statusCode(404);
        RawHttp.Answer refused = RawHttp.send(RestAssured.port,
                "GET /invented-version HTTP/9.9\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(505, refused.status(), "HttpConformance refuses the version, and the refusal is counted");
        RawHttp.send(RestAssured.port, "INVENTED /ports/ranges HTTP/1.1\r\nHost: localhost\r\nConnection: close"
                + "\r\n\r\n");

        Map<String, Double> after = Metrics.scrape();
        String notFound = series("GET", "CLIENT_ERROR", 404, RequestMetrics.NOT_FOUND);
        assertEquals(2.0, count(after, notFound) - count(before, notFound), notFound);
        String unknown = series("GET", "SERVER_ERROR", 505, RequestMetrics.UNKNOWN);
        assertEquals(1.0, count(after, unknown) - count(before, unknown), unknown);
        assertEquals(1.0, sumOf(after, "method=\"UNKNOWN\"") - sumOf(before, "method=\"UNKNOWN\""),
                "the invented method counts as UNKNOWN: " + after.keySet());
        after.keySet().stream().filter(name -> name.startsWith("http_server_requests"))
                .forEach(name -> assertFalse(name.contains("nvented") || name.contains("INVENTED")
                        || name.contains("uri=\"/q/"), name));
    }

    private static double sumOf(Map<String, Double> samples, String label) {
        return samples.entrySet().stream().filter(sample -> sample.getKey().startsWith(REQUESTS + "{")
                && sample.getKey().contains(label)).mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * A malformed chunk fails the request's connection before its answer (a 400) is written: the request is no longer
     * active, and, having failed rather than ended, is not counted among the answered.
     */
    @Test
    void aMalformedChunkIsNotLeftActive() throws Exception {
        Map<String, Double> before = Metrics.scrape();
        RawHttp.Answer refused = RawHttp.send(RestAssured.port, "POST /ports/allocate HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        assertEquals(400, refused.status(), refused.body());
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.scrape().get(ACTIVE),
                active -> active.equals(before.get(ACTIVE)));
    }

    /** A watch stream is active while it is open; the scrapes themselves, management requests, are not counted. */
    @Test
    void aRequestIsActiveUntilItsAnswerOrConnectionEnds() throws Exception {
        double idle = Metrics.scrape().get(ACTIVE);
        try (EventStream watch = EventStream.open(RestAssured.baseURI + ":" + RestAssured.port, "/ports/events",
                Map.of())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.scrape().get(ACTIVE),
                    active -> active == idle + 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.scrape().get(ACTIVE), active -> active == idle);
    }

    /** Every JAX-RS method's path (its class's and its own, joined) is a template of the table, and nothing else is. */
    @Test
    void theTemplatesAreTheResourcesPaths() {
        Set<String> declared = new TreeSet<>(Set.of("/", "/ui")); // the dashboard's redirects, Vert.x routes
        for (JavaClass resource : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sirsi.nexus")) {
            if (!resource.isAnnotatedWith(Path.class)) {
                continue;
            }
            String base = resource.getAnnotationOfType(Path.class).value();
            for (JavaMethod method : resource.getMethods()) {
                if (method.getAnnotations().stream().anyMatch(annotation -> annotation.getRawType()
                        .isAnnotatedWith(jakarta.ws.rs.HttpMethod.class))) {
                    declared.add(method.isAnnotatedWith(Path.class)
                            ? base + method.getAnnotationOfType(Path.class).value() : base);
                }
            }
        }
        assertEquals(declared, new TreeSet<>(RequestMetrics.TEMPLATES));
        for (String template : declared) {
            assertEquals(template, RequestMetrics.template(template.replaceAll("\\{[^}]+}", "some-value")), template);
        }
    }

    @Test
    void aTemplatesVariableIsOneSegmentThatIsNotEmpty() {
        assertEquals("/ports/hosts/{host}/report", RequestMetrics.template("/ports/hosts/h1/report"));
        assertEquals("/ports/port/{port}", RequestMetrics.template("/ports/port/8080"));
        assertNull(RequestMetrics.template("/ports/port/"));
        assertNull(RequestMetrics.template("/ports/port/8080/x"));
        assertNull(RequestMetrics.template("/ports/hosts//report"));
        assertNull(RequestMetrics.template("/ports/hosts/a/b/report"));
        assertNull(RequestMetrics.template("/ports/allocate/"));
        assertEquals("/ports/ranges", RequestMetrics.uri("/ports/ranges/", 200), "as Vert.x routes it");
        assertEquals("/", RequestMetrics.uri("/", 302));
        assertEquals(RequestMetrics.UNKNOWN, RequestMetrics.method(HttpMethod.valueOf("INVENTED")));
        assertEquals("PATCH", RequestMetrics.method(HttpMethod.PATCH));
        assertEquals(RequestMetrics.DASHBOARD_FILE, RequestMetrics.uri("/ui/app.js", 200));
        assertEquals(RequestMetrics.NOT_FOUND, RequestMetrics.uri("/ui/none.js", 404));
        assertEquals(RequestMetrics.UNKNOWN, RequestMetrics.uri("/elsewhere", 405));
    }
}
