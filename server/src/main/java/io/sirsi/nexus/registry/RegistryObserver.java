package io.sirsi.nexus.registry;

import java.util.List;

/**
 * What the registry tells an observer as it works: the meters of {@code observe/} are driven by it, so that the
 * registry itself knows nothing of how it is measured. Each call is made on the registry's own threads, some under
 * its lock, so an observer must return at once and never call back into the registry.
 */
public interface RegistryObserver {

    /** Why a request for a port was refused with a conflict. */
    enum Conflict {
        RANGE_EXHAUSTED, PORT_UNAVAILABLE, SERVICE_CONFLICT
    }

    /** Events this process committed, with their revisions, in order; called once they are durable. */
    void committed(List<ChangeEvent> events);

    /** A heartbeat reached a registered allocation. */
    void heartbeat();

    /** A request for a port was refused. */
    void refused(Conflict reason);

    /** The registry dropped the host's state: it holds nothing, and nothing on it cools. */
    void hostIdle(String host);

    /**
     * The store writer committed one group of changes ({@link GroupCommit}) in one transaction: the change-log events
     * it wrote (none for a group that changed only rows without events), and how long the transaction took from its
     * start to the end of its commit, which on SQLite includes the fsync and on PostgreSQL the round trips. Called on
     * the writer thread before any request of the group is answered.
     */
    default void groupCommitted(int events, long transactionNanos) {
    }

    /**
     * The store writer spent this long on one group, from taking it off the queue to answering its requests, whether
     * it committed or not: the sum over time, against the time passed, is how busy the one writer is.
     */
    default void writerBusy(long nanos) {
    }

    /** The host's agent reported ({@link HostAgents}); by default nothing follows. */
    default void agentReported(String host) {
    }
}
