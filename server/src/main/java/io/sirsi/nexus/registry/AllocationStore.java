package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Durable storage of allocations and of the change log. Each method either completes durably or throws
 * {@link StoreUnavailableException} having changed nothing, except its {@link StoreOutcomeUnknownException}: the
 * connection to a database server was lost as the change committed, which it may have. A unique constraint refusing
 * a change throws {@link StoreConflictException}.
 */
public interface AllocationStore extends CatchUpReads {

    /**
     * True when other registry processes may change the stored allocations (PostgreSQL shared by replicas): then
     * the registry's index must learn their changes from the log before it decides or answers.
     */
    boolean shared();

    /** Prepares the store (directories, schema migrations); called once before anything else. */
    void open();

    /** Every allocation of every host, and the revision of the log they reflect, read as one snapshot. */
    @Override
    Snapshot load();

    /** What {@link #load} read. */
    record Snapshot(List<Allocation> allocations, long revision) {
    }

    /**
     * Runs the work as one transaction that holds the locks of these hosts across every process sharing this store
     * (taken in sorted order, so two such transactions never deadlock). The work reads and writes through the
     * {@link HostTransaction} it is handed, and only through it: a call on the store itself is a transaction of its
     * own. Commits when the work returns, rolls back when it throws.
     *
     * <p>{@code appliedRevision} is the revision up to which the caller's index holds the log. A store that replicas
     * share reads the events after it as it takes the locks (on PostgreSQL in the same round trip), and answers the
     * transaction's first {@link HostTransaction#eventsAfter} from them; a store of this process alone ignores it.
     */
    <T> T inHostTransaction(Collection<String> hosts, long appliedRevision, Function<HostTransaction, T> work);

    /** The last revision committed to the log (0 for an empty log). */
    long headRevision();

    /** The oldest revision the log still holds; earlier ones were pruned. */
    long oldestRevision();

    /** Events after the revision, in revision order, at most {@code limit}. */
    @Override
    List<ChangeEvent> eventsAfter(long revision, int limit);

    /** Events matching the query, newest first. */
    List<ChangeEvent> history(HistoryQuery query);

    /**
     * The ports one host's allocations hold and the log's revision they reflect, read as one snapshot: what the log
     * says up to that revision and what is held agree exactly, however busy the writers are.
     */
    HeldPorts heldPorts(String host);

    /** What {@link #heldPorts} read. */
    record HeldPorts(List<Integer> ports, long revision) {
    }

    /**
     * The revision of the first event logged at or after the time (the earliest such time, then the lowest revision);
     * empty when there is none. Reads the time index only, so it costs the same however long the log is.
     */
    Optional<Long> firstRevisionAt(Instant at);

    /** A host's events with revisions from {@code first} to {@code last}, in revision order, at most {@code limit}. */
    List<ChangeEvent> hostEvents(String host, long first, long last, int limit);

    /**
     * Deletes events older than the time, and the oldest ones beyond the count, at most {@code chunk} of them (the
     * oldest first) in one transaction; returns how many were deleted. The log's head is never deleted, so
     * revisions keep growing after a prune.
     */
    int prune(Instant olderThan, long maxEvents, int chunk);

    /**
     * Records that a registry process is alive now. If none was for longer than {@code downAfter} (the last mark is
     * older than that), expiry resumes now: no allocation may expire for silence before this moment plus its
     * timeout. Returns the moment expiry last resumed, as every process sharing the store sees it.
     */
    Instant markAlive(Instant now, Duration downAfter);

    /**
     * The Draining allocations whose drain time ended at or before the moment, read in a transaction of its own: who
     * to look at again under their hosts' locks ({@link HostTransaction#drainsDue}).
     */
    List<DrainDeadline> drainsDue(Instant now);

    /** Every host maintenance stored, ended or not, read in a transaction of its own. */
    List<Maintenance> maintenances();

    /** The addresses each host's agent last reported, by host, read in a transaction of its own. */
    Map<String, List<String>> reportedAddresses();

    /** Stores the addresses a host's agent reports, replacing the host's earlier ones, in a transaction of its own. */
    void saveReportedAddresses(String host, List<String> addresses, Instant at);

    /** Fails unless the store can be read right now. */
    void ping();

    /** Where the data lives, for logs and health output. */
    String location();
}
