package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The values (not only the names) of the gauges the alert rules are built on. */
@QuarkusTest
class RangeMetricsTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void rangeGaugesCountTheRangeAndWhatIsLeftOfIt() {
        Registry.grant("web-1", "frontend");
        Registry.grant("web-2", "frontend");
        Registry.grant("web-3", "frontend");
        // the gauges read a snapshot up to a second old: wait (bounded) for one taken after the allocations
        Map<String, Double> samples = scrapeUntil(Map.of(
                "sirsi_range_available{host=\"localhost\",type=\"frontend\"}", 97.0,
                "sirsi_range_utilisation{host=\"localhost\",type=\"frontend\"}", 0.03));
        assertEquals(100.0, samples.get("sirsi_range_size{host=\"localhost\",type=\"frontend\"}")); // 3000-3099
        assertEquals(97.0, samples.get("sirsi_range_available{host=\"localhost\",type=\"frontend\"}"));
        assertEquals(0.03, samples.get("sirsi_range_utilisation{host=\"localhost\",type=\"frontend\"}"), 1e-9);
        assertEquals(20.0, samples.get("sirsi_range_size{host=\"localhost\",type=\"rest-api\"}")); // 8080-8099
        assertEquals(20.0, samples.get("sirsi_range_available{host=\"localhost\",type=\"rest-api\"}"));
        assertEquals(1.0, samples.get("sirsi_store_up"));
    }

    @Test
    void releasingGivesThePortBack() {
        Registry.Granted granted = Registry.grant("socket", "websocket");
        scrapeUntil(Map.of("sirsi_range_available{host=\"localhost\",type=\"websocket\"}", 99.0));
        Registry.release(granted.allocationId()).statusCode(200);
        Map<String, Double> samples = scrapeUntil(Map.of(
                "sirsi_range_available{host=\"localhost\",type=\"websocket\"}", 100.0,
                "sirsi_range_utilisation{host=\"localhost\",type=\"websocket\"}", 0.0));
        assertEquals(0.0, samples.get("sirsi_range_utilisation{host=\"localhost\",type=\"websocket\"}"));
    }

    /**
     * Scrapes until every sample has its value, and returns that scrape's samples. Every one is waited for: a scrape
     * may read some gauges from a snapshot just before the allocations, others after.
     */
    private static Map<String, Double> scrapeUntil(Map<String, Double> wanted) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Metrics.scrape(given().header("Accept", "text/plain; version=0.0.4")),
                        samples -> matches(samples, wanted));
    }

    private static boolean matches(Map<String, Double> samples, Map<String, Double> wanted) {
        return wanted.entrySet().stream().allMatch(entry -> samples.get(entry.getKey()) != null
                && Math.abs(samples.get(entry.getKey()) - entry.getValue()) < 1e-9);
    }
}
