package io.sirsi.nexus.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --host}: the host a command is about, for every command that takes one, so that all name and default it
 * alike. A malformed host is refused here by the registry's rule (a usage error); whether the registry serves that
 * host (perhaps one of a configured list) is its to say.
 */
public class HostOption {

    /** The variable that names the host when {@code --host} is not given. */
    static final String VARIABLE = "SIRSI_NEXUS_HOST";

    @Option(names = "--host", paramLabel = "HOST", description = "The host, e.g. node-a (default: $" + VARIABLE
            + ", else the registry's default host).")
    String host;

    /**
     * The host given, else {@code $SIRSI_NEXUS_HOST} when set and not blank, else none: the registry's default. A
     * malformed one is a usage error, named by where it came from.
     */
    Optional<String> host() {
        if (given()) {
            return Optional.of(Arguments.host("--host", host));
        }
        return Optional.ofNullable(System.getenv(VARIABLE)).filter(variable -> !variable.isBlank())
                .map(variable -> Arguments.host("$" + VARIABLE, variable));
    }

    /** {@link #host()}, or null for the registry's default (as the client library takes it). */
    String name() {
        return host().orElse(null);
    }

    /** Whether {@code --host} is on the command line (the variable does not count). */
    boolean given() {
        return host != null;
    }
}
