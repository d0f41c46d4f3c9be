package io.sirsi.nexus.cli;

/** The exit codes of every {@code sirsi-nexus} command; listed in {@code --help} and the README. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The registry answered something unexpected (a 5xx other than 503, an unreadable body). */
    public static final int FAILED = 1;
    /** The command line itself is wrong (picocli's usage error). */
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    /** The port is taken, the range is exhausted, or the service's existing allocation stands in the way. */
    public static final int CONFLICT = 4;
    /** The registry rejected the request as invalid (400, 413, 415). */
    public static final int INVALID = 5;
    /** The registry cannot be reached, timed out, or reports itself unavailable (503). */
    public static final int UNREACHABLE = 6;
    /** The registry wants an API key, or a key with a higher role (401, 403). */
    public static final int UNAUTHORISED = 7;
    /** Too many requests: the registry's rate limit (429). */
    public static final int RATE_LIMITED = 8;

    /** For picocli's {@code exitCodeList}: "code:description" pairs shown under "Exit codes:" in --help. */
    public static final String[] HELP = {
        "0:success",
        "1:unexpected answer from the registry",
        "2:usage error",
        "3:not found (allocation, service or port)",
        "4:conflict (port taken, range exhausted)",
        "5:invalid input rejected by the registry",
        "6:registry unreachable or unavailable",
        "7:missing API key or role too low",
        "8:rate limited",
    };

    private ExitCodes() {
    }

    /** The exit code for an HTTP error status from the registry. */
    public static int forStatus(int status) {
        return switch (status) {
            case 400, 413, 415, 422 -> INVALID;
            case 401, 403 -> UNAUTHORISED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 429 -> RATE_LIMITED;
            case 502, 503, 504 -> UNREACHABLE;
            default -> FAILED;
        };
    }
}
