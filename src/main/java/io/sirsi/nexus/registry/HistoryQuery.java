package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.Optional;

/** Which events of the change log to return, newest first. */
public record HistoryQuery(EventFilter filter, Optional<Instant> from, Optional<Instant> to, int limit) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public HistoryQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("invalid limit " + limit + ": expected 1 to " + MAX_LIMIT);
        }
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new InvalidRequestException("invalid time range: from " + from.get() + " is after to " + to.get());
        }
    }
}
