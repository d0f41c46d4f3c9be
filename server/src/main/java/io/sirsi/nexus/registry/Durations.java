package io.sirsi.nexus.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in a query parameter or a flag: a whole number without leading zeros and a unit,
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 30s}, {@code 24h}, {@code 7d}). One
 * grammar for the API's {@code wait} and {@code window} and the CLI's {@code --since}; each caller states which
 * units it takes and its own bounds.
 */
public final class Durations {

    /** Every unit, smallest first. */
    public static final List<String> UNITS = List.of("ms", "s", "m", "h", "d");
    private static final Pattern DURATION = Pattern.compile("(0|[1-9]\\d{0,8})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * What a value that is not a duration is told, naming the field: {@code invalid for 'soon': expected a duration
     * such as 30s, 10m or 2h (...)}. The registry and the CLI say it alike.
     */
    public static String refusal(String field, String text) {
        return "invalid " + field + " '" + (text.length() <= 64 ? text : text.substring(0, 64) + "…")
                + "': expected a duration such as 30s, 10m or 2h (a whole number and one of "
                + String.join(", ", UNITS) + ")";
    }

    /** The duration as this grammar writes it, in its largest whole unit: {@code 999d}, {@code 90m}, {@code 1500ms}. */
    public static String written(Duration duration) {
        long millis = duration.toMillis();
        long[] sizes = {Duration.ofDays(1).toMillis(), Duration.ofHours(1).toMillis(),
            Duration.ofMinutes(1).toMillis(), Duration.ofSeconds(1).toMillis()}; // d, h, m, s: UNITS from the end
        for (int i = 0; i < sizes.length; i++) {
            if (millis != 0 && millis % sizes[i] == 0) {
                return millis / sizes[i] + UNITS.get(UNITS.size() - 1 - i);
            }
        }
        return millis + "ms";
    }

    /** The duration the text writes, or empty when it is not one. */
    public static Optional<Duration> parse(String text) {
        return parse(text, UNITS);
    }

    /** The duration the text writes in one of the units, or empty when it is not one. */
    public static Optional<Duration> parse(String text, List<String> units) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches() || !units.contains(matcher.group(2))) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        });
    }
}
