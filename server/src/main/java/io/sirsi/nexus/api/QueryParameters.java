package io.sirsi.nexus.api;

import io.sirsi.nexus.registry.Durations;
import io.sirsi.nexus.registry.HistoryQuery;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The one rule for query parameters on every endpoint, and the one parser for each kind of value, with one way of
 * saying what is wrong: {@code invalid NAME 'VALUE': expected …}.
 * <ul>
 * <li>A parameter given without a value ({@code ?host=}, {@code ?limit}) is a 400: the default is asked for by
 * leaving the parameter out, and an empty value would otherwise silently mean it (Prometheus' HTTP SD refuses
 * them too). {@code ?stale} is the exception: Consul's flag, which means itself without a value
 * ({@link StaleReads}).</li>
 * <li>A parameter given twice is a 400, unless the endpoint takes several values of it ({@link Repeatable}):
 * taking the first would silently drop what the client meant by the second.</li>
 * </ul>
 */
public class QueryParameters {

    /** The parameters of this endpoint that may be given more than once, each value adding to the others. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Repeatable {
        String[] value();
    }

    private static final String TIME = "an ISO-8601 UTC time from " + HistoryQuery.EARLIEST + " to "
            + HistoryQuery.LATEST + ", such as 2026-12-01T12:00:00Z";

    /** Applies the rule before any endpoint reads its parameters. */
    @ServerRequestFilter
    public void checkEveryParameter(ContainerRequestContext request, ResourceInfo resource,
            HttpServerRequest http) {
        if (http.query() == null) {
            return; // most requests have no query: nothing to parse, no annotation to read
        }
        Method method = resource.getResourceMethod();
        Set<String> repeatable = method == null || !method.isAnnotationPresent(Repeatable.class) ? Set.of()
                : Set.of(method.getAnnotation(Repeatable.class).value());
        for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters().entrySet()) {
            String name = parameter.getKey();
            List<String> values = parameter.getValue();
            if (values.size() > 1 && !repeatable.contains(name)) {
                throw new BadRequestException("query parameter '" + shown(name) + "' is given " + values.size()
                        + " times; give it once");
            }
            if (values.stream().anyMatch(String::isEmpty) && !name.equals(StaleReads.PARAMETER)) {
                throw new BadRequestException("query parameter '" + shown(name) + "' has no value; give one, or"
                        + " leave the parameter out for its default");
            }
        }
    }

    /** A time, such as {@code from} and {@code to}. */
    static Instant time(String name, String text) {
        Instant time;
        try {
            time = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(name, text, TIME);
        }
        if (time.isBefore(HistoryQuery.EARLIEST) || time.isAfter(HistoryQuery.LATEST)) {
            throw invalid(name, text, TIME);
        }
        return time;
    }

    /** How many items an answer may hold: 1 to {@code max}. */
    static int limit(String name, String text, int max) {
        if (isWholeNumber(text, 4) && Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= max) {
            return Integer.parseInt(text);
        }
        throw invalid(name, text, "1 to " + max);
    }

    /** The limit of a history read. */
    static int historyLimit(String text) {
        return limit("limit", text, HistoryQuery.MAX_LIMIT);
    }

    /** A change-log revision: a whole number from 0. */
    static long revision(String name, String text) {
        if (isWholeNumber(text, 18)) {
            return Long.parseLong(text);
        }
        throw invalid(name, text, "a revision, a whole number from 0");
    }

    /**
     * A duration in one of the {@code units} ({@link Durations}: a whole number, no leading zero, and a unit) from
     * {@code least} to {@code most}; {@code expected} says all that as the client should read it.
     */
    static Duration duration(String name, String text, List<String> units, Duration least, Duration most,
            String expected) {
        return Durations.parse(text, units).filter(parsed -> parsed.compareTo(least) >= 0
                && parsed.compareTo(most) <= 0).orElseThrow(() -> invalid(name, text, expected));
    }

    /** {@code true} or {@code false}; absent is false. */
    static boolean flag(String name, String text) {
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw invalid(name, text, "true or false");
    }

    /** The one message: what was given, and what is expected. */
    static BadRequestException invalid(String name, String text, String expected) {
        return new BadRequestException("invalid " + name + " '" + shown(text) + "': expected " + expected);
    }

    /** Digits only, 1 to {@code most} of them, without a leading zero (unless the number is 0). */
    private static boolean isWholeNumber(String text, int most) {
        if (text.isEmpty() || text.length() > most || (text.length() > 1 && text.charAt(0) == '0')) {
            return false;
        }
        return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** A value as a message quotes it: a long one cut short, as the registry's messages do. */
    private static String shown(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
