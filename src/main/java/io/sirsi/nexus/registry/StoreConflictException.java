package io.sirsi.nexus.registry;

/**
 * The store refused a change because another writer changed the same rows at the same moment (a unique
 * constraint, a serialization failure). Nothing was changed; {@link PortRegistry} retries the whole unit of work,
 * and reports a 409 asking the client to retry only when the retries run out.
 */
public class StoreConflictException extends RegistryException {

    public StoreConflictException(String message, Throwable cause) {
        super(Reason.CONFLICT, message, cause);
    }
}
