package io.sirsi.nexus.registry;

/** The service's existing allocation cannot be changed the way the request asks (its type, a static reservation). */
public class ServiceConflictException extends RegistryException {

    public ServiceConflictException(String message) {
        super(Reason.CONFLICT, message);
    }
}
