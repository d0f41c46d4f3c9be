package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Which events of the change log to return, newest first. */
public record HistoryQuery(EventFilter filter, Optional<Instant> from, Optional<Instant> to, int limit) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    /** The times a query may name: the change log holds nothing older, and counts time in epoch milliseconds. */
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    public HistoryQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("invalid limit " + limit + ": expected 1 to " + MAX_LIMIT);
        }
        for (Instant time : List.of(from, to).stream().flatMap(Optional::stream).toList()) {
            if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
                throw new InvalidRequestException("invalid time " + time + ": expected from " + EARLIEST + " to "
                        + LATEST);
            }
        }
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new InvalidRequestException("invalid time range: from " + from.get() + " is after to " + to.get());
        }
    }
}
