package io.sirsi.nexus;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code /q/metrics} as Prometheus does: each sample's name and labels, and its value. The one parser of the
 * exposition for every test that reads metrics, in the JVM ({@link #scrape()}) or of a packaged registry
 * ({@link #scrape(RequestSpecification)}).
 */
public final class Metrics {

    /**
     * A sample line: name, label set and value (an optional timestamp after it is ignored). The text format 0.0.4
     * ends a label set with a comma ({@code {type="cache",}}), OpenMetrics does not: both read the same.
     */
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*?),?})?\\s+(\\S+)(?:\\s+-?\\d+)?$");

    private Metrics() {
    }

    /** Every sample, keyed {@code name{label="value",...}} as the exposition orders the labels, without a comma. */
    public static Map<String, Double> scrape() {
        return scrape(given());
    }

    /** {@link #scrape()} through this request, e.g. {@code registryProcess.request()}. */
    public static Map<String, Double> scrape(RequestSpecification request) {
        return parse(request.when().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** The samples of an exposition's text. */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.strip());
            if (!sample.matches()) {
                throw new AssertionError("not a sample line of /q/metrics: " + line);
            }
            String labels = sample.group(2) == null || sample.group(2).isEmpty() ? "" : "{" + sample.group(2) + "}";
            samples.put(sample.group(1) + labels, value(sample.group(3)));
        }
        return samples;
    }

    /** The sum of a metric's samples over all its label sets; 0 when it has none yet. */
    public static double sum(Map<String, Double> samples, String name) {
        return samples.entrySet().stream()
                .filter(sample -> sample.getKey().equals(name) || sample.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** How much a sample grew between two scrapes; a sample not yet exported counts as 0. */
    public static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        if (!after.containsKey(sample)) {
            throw new AssertionError("no sample " + sample + " in /q/metrics; samples: " + after.keySet());
        }
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text); // NaN parses as it is written
        };
    }
}
