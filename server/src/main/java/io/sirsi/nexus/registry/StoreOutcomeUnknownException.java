package io.sirsi.nexus.registry;

/**
 * The connection to the store was lost while a change was committed: the database may have committed it, and only
 * its answer was lost. Handled as the store being unavailable (the registry's index undoes the change, write health
 * counts a failure), but its message never says that nothing was changed: on a shared store the change, if made,
 * reaches the index from the change log with the next catch-up, as another replica's would.
 */
public class StoreOutcomeUnknownException extends StoreUnavailableException {

    public StoreOutcomeUnknownException(String message, Throwable cause) {
        super(Reason.OUTCOME_UNKNOWN, message, cause);
    }
}
