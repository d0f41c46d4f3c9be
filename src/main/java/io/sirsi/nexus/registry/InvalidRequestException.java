package io.sirsi.nexus.registry;

/** A request the registry rejects as malformed, e.g. an unknown service type. */
public class InvalidRequestException extends RegistryException {

    public InvalidRequestException(String message) {
        super(Reason.INVALID, message);
    }
}
