package io.sirsi.nexus.client;

/**
 * HTTP 401 or 403: the registry wants an API key, refused the one sent, or the key's role may not do this (a
 * reader's key cannot allocate).
 */
public class AccessDeniedException extends RegistryException {

    /** The registry's answer. */
    public AccessDeniedException(int status, String problemType, String title, String detail) {
        super(status, problemType, title, detail);
    }
}
