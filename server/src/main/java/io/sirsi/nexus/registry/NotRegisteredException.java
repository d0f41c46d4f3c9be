package io.sirsi.nexus.registry;

/** The allocation, service or port asked about is not registered. */
public class NotRegisteredException extends RegistryException {

    public NotRegisteredException(String message) {
        super(Reason.NOT_FOUND, message);
    }
}
