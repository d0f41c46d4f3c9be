package io.sirsi.nexus.client;

import java.util.Optional;

/**
 * A request the registry refused or could not answer. Built from the registry's {@code application/problem+json}
 * body: {@link #status()}, {@link #problemType()} and {@link #title()} say what kind of failure it is, the message
 * is the registry's {@code detail}, written for a person. Subclasses name the kinds a program handles differently.
 */
public class RegistryException extends RuntimeException {

    private final int status;
    private final String problemType;
    private final String title;

    /** A failure the registry answered with this HTTP status and problem. */
    public RegistryException(int status, String problemType, String title, String detail) {
        super(detail);
        this.status = status;
        this.problemType = problemType;
        this.title = title;
    }

    /** A failure with a cause on this side (no answer, an unreadable answer). */
    protected RegistryException(int status, String problemType, String title, String detail, Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.problemType = problemType;
        this.title = title;
    }

    /** The HTTP status of the answer; 0 when no registry answered. */
    public int status() {
        return status;
    }

    /** The problem's {@code type}, e.g. {@code urn:sirsi-nexus:problem:conflict}, when the registry sent one. */
    public Optional<String> problemType() {
        return Optional.ofNullable(problemType);
    }

    /** The problem's short {@code title}, e.g. {@code Conflict}, when the registry sent one. */
    public Optional<String> title() {
        return Optional.ofNullable(title);
    }
}
