package io.sirsi.nexus.registry;

/** The store could not be read or written; the operation changed nothing, unless {@link #reason} says otherwise. */
public class StoreUnavailableException extends RegistryException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(Reason.UNAVAILABLE, message, cause);
    }

    protected StoreUnavailableException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
