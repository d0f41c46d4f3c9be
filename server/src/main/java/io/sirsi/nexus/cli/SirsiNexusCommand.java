package io.sirsi.nexus.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sirsi-nexus}: the registry server and its command-line client in one binary. */
@TopCommand
@Command(name = "sirsi-nexus", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Port registry and service discovery for the SirsiNexus platform.",
        footer = {"", "Completion: source <(sirsi-nexus generate-completion)"
                + "   (bash; zsh after 'autoload bashcompinit && bashcompinit')",
                "Run 'sirsi-nexus COMMAND --help' for more on a command."})
public class SirsiNexusCommand implements Callable<Integer> {

    /** The commands under {@code sirsi-nexus}, in the order help lists them ({@link SirsiNexusCli} adds them). */
    static final List<Class<?>> SUBCOMMANDS = List.of(StartCommand.class, PortsCommand.class, AgentCommand.class,
            AutoComplete.GenerateCompletion.class);

    @Spec
    CommandSpec spec;

    /** Without a command there is nothing to do: a usage error, said as {@code sirsi-nexus ports} says it. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }
}
