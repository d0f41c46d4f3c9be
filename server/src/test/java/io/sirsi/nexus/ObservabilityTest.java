package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Health probes, Prometheus metrics and the OpenAPI document. */
@QuarkusTest
class ObservabilityTest {

    @Test
    void probesAreUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("allocation-store"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("registry-loaded"));
    }

    @Test
    void registryMetersAreExported() {
        Registry.Granted granted = Registry.grant("metered", "cache");
        Registry.heartbeat(granted.allocationId()).statusCode(200);
        Registry.allocate("metered-2", "cache", granted.port(), true).statusCode(409);
        Registry.release(granted.allocationId()).statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("sirsi_allocations{host=\"localhost\",status=\"Active\",type=\"cache\""))
                .body(containsString("sirsi_range_utilisation{host=\"localhost\",type=\"rest-api\""))
                .body(containsString("sirsi_allocations_granted_total{host=\"localhost\",type=\"cache\""))
                .body(containsString("sirsi_allocations_released_total"))
                .body(containsString("sirsi_heartbeats_total"))
                .body(containsString("sirsi_allocations_expired_total"))
                .body(containsString("sirsi_allocations_conflicts_total{reason=\"port_unavailable\""));
    }

    /**
     * A host that holds nothing costs nothing: once its last allocation is released, no meter names it (issue 22:
     * 10,000 hosts used and released left 560k lines in /q/metrics); used again, its meters come back.
     */
    @Test
    void aHostThatHoldsNothingLosesItsMetersAndGetsThemBackWhenUsedAgain() {
        List<String> ids = IntStream.rangeClosed(1, 20).mapToObj(i -> MultiHostTest.allocate("idle-svc", "cache",
                "idle-" + i, "").statusCode(200).extract().jsonPath().getString("allocation.allocation_id")).toList();
        Metrics.scrape(); // registers the gauges of the hosts used since the last one: they report from the next
        Map<String, Double> used = Metrics.scrape();
        assertEquals(1.0, used.get("sirsi_allocations_granted_total{host=\"idle-7\",type=\"cache\"}"));
        assertTrue(used.containsKey("sirsi_range_utilisation{host=\"idle-7\",type=\"cache\"}"), used.keySet()
                .toString());
        assertTrue(used.containsKey("sirsi_self_preservation{host=\"idle-7\"}"));

        ids.forEach(id -> Registry.release(id).statusCode(200));
        Map<String, Double> released = Metrics.scrape();
        List<String> left = released.keySet().stream().filter(sample -> sample.contains("host=\"idle-")).toList();
        assertEquals(List.of(), left);
        assertTrue(released.containsKey("sirsi_range_utilisation{host=\"localhost\",type=\"cache\"}"));

        MultiHostTest.allocate("idle-svc", "cache", "idle-7", "").statusCode(200);
        Metrics.scrape();
        Map<String, Double> again = Metrics.scrape();
        assertEquals(1.0, again.get("sirsi_allocations_granted_total{host=\"idle-7\",type=\"cache\"}"));
        assertTrue(again.containsKey("sirsi_allocations{host=\"idle-7\",status=\"Active\",type=\"cache\"}"));
        assertTrue(again.keySet().stream().noneMatch(sample -> sample.contains("host=\"idle-8\"")));
    }

    /** The counters count what happened, once each: read before and after, the differences are exact. */
    @Test
    void changeCountersCountEachCommittedChangeOnce() {
        Map<String, Double> before = Metrics.scrape();
        Registry.Granted first = Registry.grant("counted-1", "analytics");
        Registry.grant("counted-2", "analytics");
        Registry.allocate("counted-1", "analytics").statusCode(200);
        Registry.allocate("counted-3", "analytics", first.port(), true).statusCode(409);
        Registry.heartbeat(first.allocationId()).statusCode(200);
        Registry.release(first.allocationId()).statusCode(200);
        Map<String, Double> after = Metrics.scrape();

        assertEquals(2.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"allocated\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"renewed\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"released\"}"));
        assertEquals(0.0, Metrics.delta(before, after, "sirsi_changes_total{type=\"expired\"}"));
        assertEquals(2.0, Metrics.delta(before, after,
                "sirsi_allocations_granted_total{host=\"localhost\",type=\"analytics\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_allocations_released_total"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_heartbeats_total"));
        assertEquals(1.0, Metrics.delta(before, after,
                "sirsi_allocations_conflicts_total{reason=\"port_unavailable\"}"));
    }

    /** Every conflict reason is a series from the start: one that appears at its first count loses it to rate(). */
    @Test
    void everyConflictReasonIsExportedBeforeItsFirstConflict() {
        Map<String, Double> scraped = Metrics.scrape();
        for (String reason : new String[] {"range_exhausted", "port_unavailable", "service_conflict"}) {
            assertTrue(scraped.containsKey("sirsi_allocations_conflicts_total{reason=\"" + reason + "\"}"),
                    reason + " in " + scraped.keySet());
        }
    }

    /**
     * The store writer's meters follow its commits: every change a commit carried is a change counted, each commit
     * is one in the histogram and the group-size summary, and the writer's busy time grows with them.
     */
    @Test
    void storeWriterMetersFollowItsCommits() {
        Map<String, Double> before = Metrics.scrape();
        Registry.Granted first = Registry.grant("written-1", "analytics");
        Registry.grant("written-2", "analytics");
        Registry.release(first.allocationId()).statusCode(200);
        // a group's meters (the histogram, the summary, the change counters) are updated one after the other, so
        // a scrape taken by chance between two while another group commits (an expiry, the registry's liveness)
        // reads them apart: read until they agree
        Map<String, Double> after = await().atMost(Duration.ofSeconds(10)).until(Metrics::scrape, scraped ->
                Metrics.delta(before, scraped, "sirsi_store_commit_events_sum")
                        == Metrics.sum(scraped, "sirsi_changes_total") - Metrics.sum(before, "sirsi_changes_total")
                        && Metrics.delta(before, scraped, "sirsi_store_commit_seconds_count")
                        == Metrics.delta(before, scraped, "sirsi_store_commit_events_count"));

        double events = Metrics.delta(before, after, "sirsi_store_commit_events_sum");
        assertTrue(events >= 3, "three changes committed, " + events + " counted");
        double commits = Metrics.delta(before, after, "sirsi_store_commit_seconds_count");
        // one request after the other: each answer came before the next request, so each had a commit of its own
        assertTrue(commits >= 3, commits + " commits");
        assertEquals(commits, Metrics.delta(before, after, "sirsi_store_commit_events_count"));
        // the buckets as documented: 1 ms doubling to 8.192 s
        assertTrue(after.containsKey("sirsi_store_commit_seconds_bucket{le=\"0.001\"}"), after.keySet().toString());
        assertTrue(after.containsKey("sirsi_store_commit_seconds_bucket{le=\"8.192\"}"));
        assertTrue(Metrics.delta(before, after, "sirsi_store_commit_seconds_sum") > 0);
        assertTrue(Metrics.delta(before, after, "sirsi_store_writer_busy_seconds_total") > 0);
    }

    @Test
    void openApiDescribesEveryEndpoint() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/ports/allocate'.post.requestBody", org.hamcrest.Matchers.notNullValue())
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems("/ports/allocate", "/ports/release",
                        "/ports/heartbeat/{allocation_id}", "/ports/cleanup", "/ports/directory",
                        "/ports/service/{service_name}", "/ports/port/{port}", "/ports/type/{service_type}",
                        "/ports/overview", "/ports/stats", "/ports/health", "/ports/ranges", "/ports/events",
                        "/ports/history"))
                .body("components.schemas.Problem.properties.keySet()", hasItem("detail"))
                // host filters the hosts; health reads it only to refuse it, so the document offers none
                .body("paths.'/ports/hosts'.get.parameters.name", hasItem("host"))
                .body("paths.'/ports/health'.get.parameters", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void openApiNamesFieldsAsTheyAreOnTheWire() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("components.schemas.AllocateRequest.properties.keySet()",
                        org.hamcrest.Matchers.containsInAnyOrder("service_name", "service_type", "preferred_port",
                                "required", "process_id", "host", "strategy", "avoid_ports", "liveness", "check",
                                "protocol"))
                .body("components.schemas.AllocateRequest.required", org.hamcrest.Matchers.containsInAnyOrder(
                        "service_name", "service_type"))
                .body("components.schemas.ReleaseRequest.properties.keySet()", org.hamcrest.Matchers.contains(
                        "allocation_id"))
                .body("components.schemas.AllocationView.properties.keySet()", org.hamcrest.Matchers.hasItems(
                        "allocation_id", "service_name", "service_type", "last_heartbeat", "allocated_at"));
    }
}
