package io.sirsi.nexus;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code /q/metrics} as Prometheus does: each sample's name and labels, and its value. */
public final class Metrics {

    private Metrics() {
    }

    /** Every sample, keyed as the exposition writes it ({@code name{label="value",...}}), without the tag order. */
    public static Map<String, Double> scrape() {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** How much a sample grew between two scrapes; a sample not yet exported counts as 0. */
    public static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        if (!after.containsKey(sample)) {
            throw new AssertionError("no sample " + sample + " in /q/metrics; samples: " + after.keySet());
        }
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }
}
