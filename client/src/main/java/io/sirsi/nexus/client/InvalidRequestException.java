package io.sirsi.nexus.client;

/** HTTP 400: the request is malformed or breaks a rule (a bad service name, an unknown type, a port out of range). */
public class InvalidRequestException extends RegistryException {

    /** The registry's answer. */
    public InvalidRequestException(int status, String problemType, String title, String detail) {
        super(status, problemType, title, detail);
    }
}
