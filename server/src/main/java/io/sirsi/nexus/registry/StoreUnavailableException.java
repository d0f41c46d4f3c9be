package io.sirsi.nexus.registry;

/** The store could not be read or written; the operation changed nothing. */
public class StoreUnavailableException extends RegistryException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(Reason.UNAVAILABLE, message, cause);
    }
}
