package io.sirsi.nexus.registry;

/** A request the registry rejects as malformed, e.g. an unknown service type. */
public class InvalidRequestException extends RegistryException {

    public InvalidRequestException(String message) {
        super(Reason.INVALID, message);
    }

    /** A value as a message quotes it: its first 64 characters, so that a huge value cannot flood answer and log. */
    public static String shown(String value) {
        return value == null || value.length() <= 64 ? String.valueOf(value) : value.substring(0, 64) + "…";
    }
}
