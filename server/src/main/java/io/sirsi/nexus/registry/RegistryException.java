package io.sirsi.nexus.registry;

/**
 * A request the registry cannot honour. The message is written for the person who sent the request;
 * the {@link Reason} tells the HTTP layer and the CLI how to report it.
 */
public abstract class RegistryException extends RuntimeException {

    /** Why a request failed, independent of how it is reported. */
    public enum Reason {
        /** The request itself is malformed or names something that cannot exist. */
        INVALID,
        /** The allocation, service or port asked about is not registered. */
        NOT_FOUND,
        /** The request is well-formed but clashes with the registry's state (port taken, range full). */
        CONFLICT,
        /** Another writer changed the same allocations at the same moment, every try; retrying may succeed. */
        RACE,
        /** What was asked for is no longer kept (a pruned revision of the change log). */
        GONE,
        /** The registry cannot reach its store; nothing was changed. */
        UNAVAILABLE,
        /**
         * The registry lost its store while the change was being committed: it may or may not have been made. Asking
         * again is safe (an allocation asked for again keeps its port; a release of a released allocation is 404).
         */
        OUTCOME_UNKNOWN
    }

    private final Reason reason;

    protected RegistryException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    protected RegistryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
