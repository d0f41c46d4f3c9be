package io.sirsi.nexus.cli;

import java.util.List;
import picocli.CommandLine;

/**
 * The command tree with this project's error reporting (one line on stderr and a documented exit code), and the
 * client face of the binary: every command but {@code start} runs here with picocli's plain factory, without
 * booting Quarkus, so a client command costs a JVM start and one request, and reads no server configuration.
 */
public final class SirsiNexusCli {

    private SirsiNexusCli() {
    }

    /** A client command without the fast-jar's entry point: {@code java -cp APP_JAR:LIBS ...SirsiNexusCli ARGS}. */
    public static void main(String... args) {
        System.exit(run(args));
    }

    /** Runs a client command (or help, version, completion) and returns its exit code. */
    public static int run(String... args) {
        return commandLine(CommandLine.defaultFactory(), args).execute(args);
    }

    /**
     * The command tree for these arguments. picocli builds the model of every command it is given, which is most of
     * a client command's start-up, so {@code ports NAME ...} with a known NAME gets a tree of just that command (and
     * its parents, for help and messages), and {@code start ...} one of just {@code start}; anything else (help,
     * completion, a typo that wants suggestions) gets the whole tree.
     */
    static CommandLine commandLine(CommandLine.IFactory factory, String... args) {
        CommandLine top = new CommandLine(SirsiNexusCommand.class, factory);
        if (args.length >= 1 && SirsiNexusMain.SERVER_COMMAND.equals(args[0])) {
            top.addSubcommand(StartCommand.class);
            return withFailureHandling(top);
        }
        CommandLine ports = new CommandLine(PortsCommand.class, factory);
        Class<?> only = args.length >= 2 && "ports".equals(args[0]) ? portsCommand(args[1]) : null;
        for (Class<?> command : only != null ? List.<Class<?>>of(only) : PortsCommand.SUBCOMMANDS) {
            ports.addSubcommand(command);
        }
        for (Class<?> command : SirsiNexusCommand.SUBCOMMANDS) {
            if (command == PortsCommand.class) {
                top.addSubcommand(ports);
            } else if (only == null) {
                top.addSubcommand(command);
            }
        }
        ports.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCode.helpList());
        return withFailureHandling(top);
    }

    /** The project's exit codes in the top command's help, and its one-line failures for every command. */
    private static CommandLine withFailureHandling(CommandLine top) {
        top.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
        Failures failures = new Failures();
        // picocli's own say "'abc' is not a long": the Java type, not what the option wants
        top.registerConverter(Long.class, SirsiNexusCli::wholeLong);
        top.registerConverter(Long.TYPE, SirsiNexusCli::wholeLong);
        top.registerConverter(Integer.class, SirsiNexusCli::wholeInt);
        top.registerConverter(Integer.TYPE, SirsiNexusCli::wholeInt);
        return top.setExecutionExceptionHandler(failures).setParameterExceptionHandler(failures);
    }

    private static Long wholeLong(String text) {
        try {
            return Long.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a whole number");
        }
    }

    private static Integer wholeInt(String text) {
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a whole number"
                    + (text.strip().matches("-?\\d+") ? " up to " + Integer.MAX_VALUE : ""));
        }
    }

    /** The {@code ports} command of this name, or null. */
    private static Class<?> portsCommand(String name) {
        for (Class<?> command : PortsCommand.SUBCOMMANDS) {
            if (command.getAnnotation(CommandLine.Command.class).name().equals(name)) {
                return command;
            }
        }
        return null;
    }

    /**
     * Every failure as one line on stderr and its documented exit code; usage errors like the Quarkus CLI's: the
     * problem, a suggestion when picocli has one, and where to read more. A class rather than two method
     * references: each lambda a client command bootstraps is start-up time.
     */
    private static final class Failures
            implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

        @Override
        public int handleExecutionException(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
            if (failure instanceof CliException known) {
                command.getErr().println("sirsi-nexus: " + known.getMessage());
                if (known.exitCode() == ExitCode.USAGE) { // a usage error reads alike wherever it was found
                    seeHelp(command);
                }
                return known.exitCode().code();
            }
            command.getErr().println("sirsi-nexus: unexpected error: " + failure);
            return ExitCode.FAILED.code();
        }

        @Override
        public int handleParseException(CommandLine.ParameterException problem, String[] args) {
            CommandLine command = problem.getCommandLine();
            command.getErr().println("sirsi-nexus: " + problem.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(problem, command.getErr());
            seeHelp(command);
            return ExitCode.USAGE.code();
        }

        private static void seeHelp(CommandLine command) {
            command.getErr().println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        }
    }
}
