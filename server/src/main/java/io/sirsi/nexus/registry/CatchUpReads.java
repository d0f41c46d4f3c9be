package io.sirsi.nexus.registry;

import java.util.List;

/**
 * What bringing the index up to the log's head reads: the events after its revision, or every allocation when the
 * log no longer holds the next one. The store answers them on their own ({@link LogFollower}), a
 * {@link HostTransaction} inside its transaction (the writer, before it decides).
 */
public interface CatchUpReads {

    /** Events after the revision, in revision order, at most {@code limit}. */
    List<ChangeEvent> eventsAfter(long revision, int limit);

    /** Every allocation of every host, and the revision of the log they reflect, read as one snapshot. */
    AllocationStore.Snapshot load();
}
