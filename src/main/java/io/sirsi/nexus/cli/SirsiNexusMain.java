package io.sirsi.nexus.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import picocli.CommandLine;

/**
 * One binary, two faces. The HTTP listener, scheduler and database start while Quarkus boots, before picocli
 * parses anything, so whether this process is the registry server is decided here, from the arguments.
 */
@QuarkusMain
public class SirsiNexusMain implements QuarkusApplication {

    static final String SERVER_COMMAND = "start";

    private final CommandLine.IFactory factory;

    public SirsiNexusMain(CommandLine.IFactory factory) {
        this.factory = factory;
    }

    public static void main(String... args) {
        if (!isServer(args)) {
            clientMode();
        }
        // A server that cannot start also says why on stderr: Quarkus logs the failure, but through the async
        // console handler, whose queue the JVM may not drain before it exits, and a crash-looping pod with an empty
        // log tells an operator nothing. Then Quarkus's own handler (or a test harness's) ends the run.
        BiConsumer<Integer, Throwable> exit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
        ApplicationLifecycleManager.setDefaultExitCodeHandler((code, failure) -> {
            if (failure != null) {
                System.err.println("sirsi-nexus: cannot start: " + reason(failure));
            }
            exit.accept(code, failure);
        });
        Quarkus.run(SirsiNexusMain.class, args);
    }

    /** The messages of a failure and its causes on one line, leaving out what only repeats a message before it. */
    static String reason(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage();
            if (message == null || message.equals("Failed to start quarkus")
                    || (cause.getCause() != null && message.equals(cause.getCause().toString()))) {
                continue;
            }
            String said = message.strip().replaceAll("\\s*\\n\\s*", " ").replaceAll("\\.$", "");
            if (messages.stream().noneMatch(earlier -> earlier.contains(said))) {
                messages.add(said);
            }
        }
        return messages.isEmpty() ? failure.toString() : String.join(": ", messages);
    }

    @Override
    public int run(String... args) {
        return commandLine(factory).execute(args);
    }

    /** The command tree with this project's error reporting: one line on stderr and a documented exit code. */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine commandLine = new CommandLine(SirsiNexusCommand.class, factory);
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (String entry : ExitCodes.HELP) {
            String[] codeAndMeaning = entry.split(":", 2);
            exitCodes.put(codeAndMeaning[0], codeAndMeaning[1]);
        }
        for (CommandLine command : new CommandLine[] {commandLine, commandLine.getSubcommands().get("ports")}) {
            command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
        }
        return commandLine
                .setExecutionExceptionHandler(SirsiNexusMain::reportFailure)
                .setParameterExceptionHandler(SirsiNexusMain::reportUsageError);
    }

    private static int reportFailure(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        if (failure instanceof CliException known) {
            command.getErr().println("sirsi-nexus: " + known.getMessage());
            return known.exitCode();
        }
        command.getErr().println("sirsi-nexus: unexpected error: " + failure);
        return ExitCodes.FAILED;
    }

    /** Like the Quarkus CLI: the problem, a suggestion when picocli has one, and where to read more. */
    private static int reportUsageError(CommandLine.ParameterException problem, String[] args) {
        CommandLine command = problem.getCommandLine();
        command.getErr().println("sirsi-nexus: " + problem.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(problem, command.getErr());
        command.getErr().println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return ExitCodes.USAGE;
    }

    /** {@code start}, unless it only asks for help or the version. */
    private static boolean isServer(String... args) {
        List<String> all = Arrays.asList(args);
        boolean helpOnly = all.stream().anyMatch(arg -> List.of("-h", "--help", "-V", "--version").contains(arg));
        return !helpOnly && all.stream().filter(arg -> !arg.startsWith("-")).findFirst()
                .map(SERVER_COMMAND::equals).orElse(false);
    }

    /** A client command opens no port, no database and no scheduler, and keeps stdout for its own output. */
    private static void clientMode() {
        setDefault("sirsi.server.enabled", "false");
        setDefault("quarkus.http.host-enabled", "false");
        setDefault("quarkus.scheduler.enabled", "false");
        setDefault("quarkus.datasource.active", "false");
        setDefault("quarkus.datasource.postgresql.active", "false");
        setDefault("quarkus.flyway.active", "false");
        setDefault("quarkus.flyway.postgresql.active", "false");
        setDefault("quarkus.banner.enabled", "false");
        setDefault("quarkus.log.level", "WARN");
        setDefault("quarkus.log.console.stderr", "true");
        setDefault("quarkus.log.console.async.enabled", "false"); // a warning must be out before the command exits
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
