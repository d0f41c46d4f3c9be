package io.sirsi.nexus.cli;

import picocli.CommandLine.Option;

/**
 * {@code --strategy}: how the registry places a port, for {@code allocate}, {@code exec} and {@code scale}. The
 * registry knows the strategies; an unknown one is its 400, which lists them.
 */
public class StrategyOption {

    @Option(names = "--strategy", paramLabel = "STRATEGY", description = "How the registry chooses a port when no"
            + " preferred one is free: first-free (the lowest), random, same-port (the one the service holds on its"
            + " other hosts), sticky (the one it held last on this host) (default: the registry's).")
    String strategy;
}
