package io.sirsi.nexus.client;

/** HTTP 404: no such allocation, service or port is registered. */
public class NotFoundException extends RegistryException {

    /** The registry's answer. */
    public NotFoundException(int status, String problemType, String title, String detail) {
        super(status, problemType, title, detail);
    }
}
