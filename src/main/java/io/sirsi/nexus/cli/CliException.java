package io.sirsi.nexus.cli;

/** A command failed in a way the user can understand: one line on stderr, and this exit code. */
public class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
