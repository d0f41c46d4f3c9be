package io.sirsi.nexus.registry;

/**
 * The store refused a change because another writer changed the same rows at the same moment (a unique
 * constraint, a serialization failure). Nothing was changed; {@link GroupCommit} decides the group again, and
 * reports a 409 of its own problem type ({@code store-race}, not {@code conflict}: the port is not taken) asking the
 * client to retry only when the retries run out.
 */
public class StoreConflictException extends RegistryException {

    public StoreConflictException(String message, Throwable cause) {
        super(Reason.RACE, message, cause);
    }
}
