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

    /** The host's agent reported ({@link HostAgents}); by default nothing follows. */
    default void agentReported(String host) {
    }
}
