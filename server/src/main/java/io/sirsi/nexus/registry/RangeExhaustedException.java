package io.sirsi.nexus.registry;

/** Every port of a service type's range is held, reserved or in use. */
public class RangeExhaustedException extends RegistryException {

    public RangeExhaustedException(String message) {
        super(Reason.CONFLICT, message);
    }
}
