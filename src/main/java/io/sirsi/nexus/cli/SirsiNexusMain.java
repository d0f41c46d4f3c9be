package io.sirsi.nexus.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import picocli.CommandLine;

/**
 * One binary, two faces, decided here from the arguments before Quarkus boots: {@code start} boots the application
 * (HTTP listener, store, scheduler) and then runs picocli inside it; every other command is a plain picocli client
 * ({@link SirsiNexusCli}) that never touches CDI, configuration or Vert.x.
 */
@QuarkusMain
public class SirsiNexusMain implements QuarkusApplication {

    static final String SERVER_COMMAND = "start";

    public static void main(String... args) {
        if (!isServer(args)) {
            // Before anything of Quarkus loads: a client command boots no application, reads no server setting.
            System.exit(SirsiNexusCli.run(args));
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

    /**
     * {@code start}: by now Quarkus has started the server; picocli runs the command that waits for its end. With
     * picocli's plain factory, as the client does: the command needs no bean, and a stop that comes at once (a
     * SIGTERM right after the start) has already taken the CDI container away, which quarkus-picocli's factory
     * would need to build the command.
     */
    @Override
    public int run(String... args) {
        return SirsiNexusCli.commandLine(CommandLine.defaultFactory(), args).execute(args);
    }

    /**
     * {@code start}, unless it only asks for help or the version. A plain loop: every lambda a client command
     * bootstraps is start-up time.
     */
    private static boolean isServer(String... args) {
        String first = null;
        for (String arg : args) {
            if (List.of("-h", "--help", "-V", "--version").contains(arg)) {
                return false;
            }
            if (first == null && !arg.startsWith("-")) {
                first = arg;
            }
        }
        return SERVER_COMMAND.equals(first);
    }
}
