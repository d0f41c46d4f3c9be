package io.sirsi.nexus.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code sirsi-nexus} command, each with the meaning that {@code --help} lists and the
 * README repeats. A new code is a new constant here: the help list and the failure handler both read this enum.
 */
public enum ExitCode {

    OK(0, "success"),
    /** The registry answered something unexpected: a 500, or a body of its own that cannot be read. */
    FAILED(1, "unexpected answer from the registry"),
    /** The command line itself is wrong: picocli's usage errors, and every value the CLI checks before sending. */
    USAGE(2, "usage error"),
    /** Not found; a revision the change log no longer keeps (410) too: a watch's or history's start, gone. */
    NOT_FOUND(3, "not found (allocation, service, port, or a revision no longer kept)"),
    /**
     * The port is taken, the range is exhausted, the service's existing allocation stands in the way, or the state
     * refuses the request (a drain of what cannot drain, a revision the log has not reached).
     */
    CONFLICT(4, "conflict (port taken, range exhausted, a state that refuses the request)"),
    /** The registry rejected the request as invalid (400, 413, 415). */
    INVALID(5, "invalid input rejected by the registry"),
    /**
     * The registry cannot be reached, timed out, or reports itself unavailable (503); or what answers at the URL is
     * not a sirsi-nexus registry.
     */
    UNREACHABLE(6, "registry unreachable or unavailable, or not at --url"),
    /** The registry wants an API key, or a key with a higher role (401, 403). */
    UNAUTHORISED(7, "missing API key or role too low"),
    /** Too many requests: the registry's rate limit (429). */
    RATE_LIMITED(8, "rate limited"),
    /** {@code ports exec} could not start COMMAND; the shell's code for it. Otherwise exec exits with COMMAND's. */
    CANNOT_RUN(127, "ports exec: COMMAND cannot be run");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** For picocli's {@code exitCodeList}: code and meaning, shown under "Exit codes:" in --help. */
    static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode exitCode : values()) {
            list.put(Integer.toString(exitCode.code), exitCode.meaning);
        }
        return list;
    }

    /** The exit code for an HTTP error status from the registry. */
    static ExitCode forStatus(int status) {
        return switch (status) {
            case 400, 413, 415, 422 -> INVALID;
            case 401, 403 -> UNAUTHORISED;
            case 404, 410 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 429 -> RATE_LIMITED;
            case 502, 503, 504 -> UNREACHABLE;
            default -> FAILED;
        };
    }
}
