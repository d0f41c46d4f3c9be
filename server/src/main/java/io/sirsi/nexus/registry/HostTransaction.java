package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One open transaction holding the locks of some hosts ({@link AllocationStore#inHostTransaction}), handed to the
 * work explicitly: what a decision reads in it sees what the hosts' locks protect, and what it writes commits or
 * rolls back with it. Valid only while the work runs; a call after it ends throws {@link IllegalStateException}.
 */
public interface HostTransaction extends CatchUpReads {

    /** Events matching the query, newest first (sticky placement reads where a service was last). */
    List<ChangeEvent> history(HistoryQuery query);

    /** The stored last heartbeat times of these allocations (unknown ids are left out). */
    Map<UUID, Instant> lastHeartbeats(Collection<UUID> allocationIds);

    /** The Draining allocations whose drain time ended at or before the moment, as this transaction sees them. */
    List<DrainDeadline> drainsDue(Instant now);

    /** The host's maintenance as stored, ended or not; empty when there is none. */
    Optional<Maintenance> maintenance(String host);

    /**
     * Applies the writes in their order and appends the events to the log, in this transaction. The events get
     * consecutive revisions in their order, handed out in commit order across processes (their {@code revision}
     * field is ignored).
     *
     * @return the revision of the first event; with no events, the log's last revision
     */
    long write(List<StoreWrite> writes, List<ChangeEvent> events);

    /**
     * {@link #write}, then commits: the work's last act, after which the transaction may not be used, and the work
     * returns at once (what it throws after this cannot roll the writes back). Where a statement costs a round trip
     * (PostgreSQL), the commit goes with the writes, in one (issue 23).
     *
     * @return as {@link #write}
     */
    long commit(List<StoreWrite> writes, List<ChangeEvent> events);
}
