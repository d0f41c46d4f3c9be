package io.sirsi.nexus.registry;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one check an allocation may carry, run by its host's agent on the host itself: a TCP connect to the port, or
 * an HTTP GET of a path on it. Stored with the allocation (migration V5) with its last status, so that every replica
 * offers or withholds the instance alike ({@link Offered}); the run's output and counts stay with the agents' state.
 */
public record HealthCheck(Kind kind, Optional<String> path, Duration interval, Duration timeout, Status status) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MAX_INTERVAL = Duration.ofMinutes(10);
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    /** The most characters of a run's output kept and shown; the agent truncates to this, longer is refused. */
    public static final int MAX_OUTPUT = 512;
    private static final int MAX_PATH = 255;
    /** An absolute path and query of printable ASCII without spaces: nothing that could end the request line. */
    private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7e]{0," + (MAX_PATH - 1) + "}");

    /** How the agent checks. */
    public enum Kind {
        TCP, HTTP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Kind> fromWireName(String name) {
            return Arrays.stream(values()).filter(kind -> kind.wireName().equals(name)).findFirst();
        }
    }

    /**
     * A check's status. {@code pending} until its first result (the instance is offered meanwhile, unlike Consul's
     * critical start); {@code critical} alone withholds it from discovery.
     */
    public enum Status {
        PENDING, PASSING, WARNING, CRITICAL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Status> fromWireName(String name) {
            return Arrays.stream(values()).filter(status -> status.wireName().equals(name)).findFirst();
        }
    }

    public HealthCheck {
        if (kind == Kind.HTTP && path.isEmpty()) {
            throw new InvalidRequestException("check.path is required for an http check, e.g. /health");
        }
        if (kind == Kind.TCP && path.isPresent()) {
            throw new InvalidRequestException("check.path is for http checks; a tcp check only connects");
        }
        path.filter(given -> !PATH.matcher(given).matches()).ifPresent(given -> {
            throw new InvalidRequestException("check.path must start with / and hold 1 to " + MAX_PATH
                    + " printable characters without spaces, not '" + InvalidRequestException.shown(given) + "'");
        });
        within("check.interval", interval, MIN_INTERVAL, MAX_INTERVAL);
        within("check.timeout", timeout, MIN_TIMEOUT, MAX_TIMEOUT);
        if (timeout.compareTo(interval) > 0) {
            throw new InvalidRequestException("check.timeout (" + timeout.toMillis() + "ms) must not be longer than"
                    + " check.interval (" + interval.toMillis() + "ms)");
        }
    }

    /** A check as an allocate request asks for it: defaults filled in, status pending. */
    public static HealthCheck requested(String type, String path, String interval, String timeout) {
        if (type == null) {
            throw new InvalidRequestException("check.type is required: tcp or http");
        }
        Kind kind = Kind.fromWireName(type).orElseThrow(() -> new InvalidRequestException("unknown check.type '"
                + InvalidRequestException.shown(type) + "'; expected tcp or http"));
        return new HealthCheck(kind, Optional.ofNullable(path), duration("check.interval", interval, DEFAULT_INTERVAL),
                duration("check.timeout", timeout, DEFAULT_TIMEOUT), Status.PENDING);
    }

    public HealthCheck withStatus(Status next) {
        return new HealthCheck(kind, path, interval, timeout, next);
    }

    /** The same check, asked for again: a renewal keeps the status it has earned. */
    public boolean sameAs(HealthCheck other) {
        return kind == other.kind && path.equals(other.path) && interval.equals(other.interval)
                && timeout.equals(other.timeout);
    }

    private static Duration duration(String field, String text, Duration otherwise) {
        if (text == null) {
            return otherwise;
        }
        return Durations.parse(text, Durations.UNITS.subList(0, 3)).orElseThrow(() -> new InvalidRequestException(
                "invalid " + field + " '" + InvalidRequestException.shown(text) + "': a whole number and ms, s or m,"
                        + " e.g. 10s"));
    }

    private static void within(String field, Duration value, Duration least, Duration most) {
        if (value.compareTo(least) < 0 || value.compareTo(most) > 0) {
            throw new InvalidRequestException(field + " must be " + least.toMillis() + "ms to " + most.toMillis()
                    + "ms, not " + value.toMillis() + "ms");
        }
    }
}
