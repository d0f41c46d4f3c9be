package io.sirsi.nexus.client;

/**
 * No registry could answer: none of the base URLs accepted a connection or answered in time, or the one that answered
 * could not reach its store (HTTP 503). Nothing was changed by the refused request; retrying later may succeed.
 */
public class RegistryUnavailableException extends RegistryException {

    /** The registry answered 503. */
    public RegistryUnavailableException(int status, String problemType, String title, String detail) {
        super(status, problemType, title, detail);
    }

    /** No registry answered; {@code cause} is the last connection failure. */
    public RegistryUnavailableException(String detail, Throwable cause) {
        super(0, null, null, detail, cause);
    }
}
