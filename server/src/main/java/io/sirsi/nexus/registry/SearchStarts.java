package io.sirsi.nexus.registry;

import java.util.Collection;

/**
 * Where the search for a range's first free port starts: below that port every port of the range is held, reserved
 * or cooling. With the reuse delay on and the registry busy, the taken ports of a range run on for thousands, all of
 * it once the range is full of cooling ports, and the search walked them on every allocation: 4 % of the store
 * writer's time at 64 connections (issue 23, fourteenth session). A search moves its range's start up to the first
 * port it found untaken; a port that becomes untaken again (released with no delay, or done cooling) moves the start
 * of each range holding it back down. Writer only, as the table's bit sets are.
 */
final class SearchStarts {

    private final PortRange[] ranges;
    private final int[] starts;

    SearchStarts(Collection<PortRange> ranges) {
        this.ranges = ranges.stream().distinct().toArray(PortRange[]::new);
        this.starts = new int[this.ranges.length];
        for (int i = 0; i < this.ranges.length; i++) {
            starts[i] = this.ranges[i].first();
        }
    }

    /** The port to search the range from; past its last port when none was untaken at the last search. */
    int of(PortRange range) {
        int i = indexOf(range);
        return i < 0 ? range.first() : starts[i];
    }

    /** A search of the range from {@link #of} found this port the first untaken one (past the range: none). */
    void searched(PortRange range, int firstUntaken) {
        int i = indexOf(range);
        if (i >= 0) {
            starts[i] = Math.max(starts[i], firstUntaken);
        }
    }

    /** Ports from this one up may have become untaken: every range searches from it again, or from its first port. */
    void untakenFrom(int port) {
        for (int i = 0; i < ranges.length; i++) {
            starts[i] = Math.min(starts[i], Math.max(port, ranges[i].first()));
        }
    }

    private int indexOf(PortRange range) {
        for (int i = 0; i < ranges.length; i++) {
            if (ranges[i].equals(range)) {
                return i;
            }
        }
        return -1;
    }
}
