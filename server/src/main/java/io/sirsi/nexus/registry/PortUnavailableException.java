package io.sirsi.nexus.registry;

/** The port asked for is held, reserved or bound by another process, and the request required it. */
public class PortUnavailableException extends RegistryException {

    public PortUnavailableException(String message) {
        super(Reason.CONFLICT, message);
    }
}
