package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The values (not only the names) of the gauges the alert rules are built on. */
@QuarkusTest
class RangeMetricsTest {

    /** A sample of the text format 0.0.4, whose label sets end with a comma: {@code name{type="cache",} 1.0}. */
    private static final Pattern SAMPLE = Pattern.compile("(?m)^(sirsi_[a-z_]+)(?:\\{([^}]*?),?})? (\\S+)$");

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
     * Scrapes until every sample has its value or 10 s have passed, and returns the last scrape's samples. Every
     * one is waited for: a scrape may read some gauges from a snapshot just before the allocations, others after.
     */
    private static Map<String, Double> scrapeUntil(Map<String, Double> wanted) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        Map<String, Double> samples = scrape();
        while (!matches(samples, wanted) && Instant.now().isBefore(deadline)) {
            sleep();
            samples = scrape();
        }
        return samples;
    }

    private static boolean matches(Map<String, Double> samples, Map<String, Double> wanted) {
        return wanted.entrySet().stream().allMatch(entry -> samples.get(entry.getKey()) != null
                && Math.abs(samples.get(entry.getKey()) - entry.getValue()) < 1e-9);
    }

    private static Map<String, Double> scrape() {
        String text = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics").then()
                .statusCode(200).extract().asString();
        Map<String, Double> samples = new java.util.HashMap<>();
        Matcher matcher = SAMPLE.matcher(text);
        while (matcher.find()) {
            String labels = matcher.group(2) == null ? "" : "{" + matcher.group(2) + "}";
            samples.put(matcher.group(1) + labels, Double.parseDouble(matcher.group(3)));
        }
        return samples;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
