package io.sirsi.nexus.cli;

/** A command failed in a way the user can understand: one line on stderr, and this exit code. */
public class CliException extends RuntimeException {

    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
