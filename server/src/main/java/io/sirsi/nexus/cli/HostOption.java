package io.sirsi.nexus.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --host}: the host a command is about, for every command that takes one, so that all name and default it
 * alike. The host's rules (a DNS name, perhaps one of a configured list) are the registry's: a malformed one is its
 * 400, in its words.
 */
public class HostOption {

    /** The variable that names the host when {@code --host} is not given. */
    static final String VARIABLE = "SIRSI_NEXUS_HOST";

    @Option(names = "--host", paramLabel = "HOST", description = "The host, e.g. node-a (default: $" + VARIABLE
            + ", else the registry's default host).")
    String host;

    /** The host given, else {@code $SIRSI_NEXUS_HOST} when set and not blank, else none: the registry's default. */
    Optional<String> host() {
        return given() ? Optional.of(host)
                : Optional.ofNullable(System.getenv(VARIABLE)).filter(variable -> !variable.isBlank());
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
