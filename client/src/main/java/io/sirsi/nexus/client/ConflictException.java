package io.sirsi.nexus.client;

/**
 * HTTP 409: the request is well-formed but clashes with the registry's state (the service holds a port as another
 * type, the range is full, another writer won a race).
 */
public class ConflictException extends RegistryException {

    /** The registry's answer. */
    public ConflictException(int status, String problemType, String title, String detail) {
        super(status, problemType, title, detail);
    }
}
