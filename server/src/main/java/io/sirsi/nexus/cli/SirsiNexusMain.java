package io.sirsi.nexus.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Handler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.AsyncHandler;
import picocli.CommandLine;

/**
 * One binary, two faces, decided here from the arguments before Quarkus boots: {@code start} boots the application
 * (HTTP listener, store, scheduler) and then runs picocli inside it; every other command is a plain picocli client
 * ({@link SirsiNexusCli}) that never touches CDI, configuration or Vert.x.
 */
@QuarkusMain
public class SirsiNexusMain implements QuarkusApplication {

    static final String SERVER_COMMAND = "start";
    /**
     * The command to run when the arguments name none: {@code -Dsirsi.default-command=start}. For launchers that
     * cannot pass arguments, as {@code @QuarkusIntegrationTest} starts the packaged jar with none.
     */
    static final String DEFAULT_COMMAND = "sirsi.default-command";
    /** A Java class name in front of a message ({@code java.lang.IllegalArgumentException: }): noise to an operator. */
    private static final Pattern JAVA_CLASS = Pattern.compile(
            "\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");
    /**
     * SmallRye Config's refusal of a value of an enum-typed setting (Quarkus's own, such as
     * {@code quarkus.http.insecure-requests}), which names the enum's Java class: said as our converters say it.
     */
    private static final Pattern ENUM_REFUSAL = Pattern.compile(
            "SRCFG00049: Cannot convert .* to enum class [\\w.$]+, allowed values: (\\S+)");

    public static void main(String... given) {
        String[] args = withDefaultCommand(given);
        if (!isServer(args)) {
            // Before anything of Quarkus loads: a client command boots no application, reads no server setting.
            System.exit(SirsiNexusCli.run(args));
        }
        // A server that cannot start also says why on stderr: Quarkus logs the failure, but through the async
        // console handler, whose queue the JVM may not drain before it exits, and a crash-looping pod with an empty
        // log tells an operator nothing. Then Quarkus's own handler (or a test harness's) ends the run.
        // Quarkus prints a configuration error it finds itself, over several lines with Java class names, before
        // the handler below says it in one: that print is left out.
        System.setErr(new WithoutConfigReport(System.err));
        BiConsumer<Integer, Throwable> exit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
        ApplicationLifecycleManager.setDefaultExitCodeHandler((code, failure) -> {
            if (failure != null) {
                // one write: a console log line written meanwhile must not land between the line and its end
                System.err.print("sirsi-nexus: cannot start: " + reason(failure) + System.lineSeparator());
                drainAsyncLog();
            }
            exit.accept(code, failure);
        });
        Quarkus.run(SirsiNexusMain.class, args);
    }

    /**
     * Waits, two seconds at most, until the async console handler has written what it holds: the log's ERROR line of
     * the refusal, which the JVM's exit would otherwise often drop, a crash-looping pod's log then saying nothing.
     * Written means its queue is empty and its thread parked waiting for more (not between taking the last record
     * and writing it). Closing the handler would not do: it closes the console handler it wraps at once, before its
     * thread has written the rest. The two fields are the handler's own; where they cannot be read (a native image
     * not told of them) the exit goes on as before.
     */
    static void drainAsyncLog() {
        List<AsyncHandler> asyncHandlers = new ArrayList<>();
        collectAsync(LogContext.getLogContext().getLogger("").getHandlers(), asyncHandlers);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (AsyncHandler handler : asyncHandlers) {
            try {
                Collection<?> queue = (Collection<?>) field(handler, "recordQueue");
                Thread writer = (Thread) field(handler, "thread");
                while (!(queue.isEmpty() && parked(writer)) && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            } catch (ReflectiveOperationException | RuntimeException unreadable) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Object field(AsyncHandler handler, String name) throws ReflectiveOperationException {
        Field field = AsyncHandler.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(handler);
    }

    private static boolean parked(Thread writer) {
        Thread.State state = writer.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || !writer.isAlive();
    }

    /** The async handlers among these handlers and those they wrap (Quarkus wraps its own in a delayed handler). */
    private static void collectAsync(Handler[] handlers, List<AsyncHandler> into) {
        for (Handler handler : handlers) {
            if (handler instanceof AsyncHandler async) {
                into.add(async);
            } else if (handler instanceof ExtHandler wrapper) {
                collectAsync(wrapper.getHandlers(), into);
            }
        }
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
            String said = withoutEnumClass(JAVA_CLASS.matcher(message.strip().replaceAll("\\s*\\n\\s*", " "))
                    .replaceAll("").replaceAll("\\.$", "")
                    // SmallRye Config's wording of a converter's refusal, which runs on into the converter's message
                    .replace(" threw an Exception whilst being converted ", " is not valid: "));
            if (messages.stream().noneMatch(earlier -> earlier.contains(said))) {
                messages.add(said);
            }
        }
        return messages.isEmpty() ? failure.toString() : String.join(": ", messages);
    }

    private static String withoutEnumClass(String message) {
        Matcher refusal = ENUM_REFUSAL.matcher(message);
        return refusal.find() ? refusal.replaceFirst(Matcher.quoteReplacement("expected one of "
                + refusal.group(1).replace(",", ", "))) : message;
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
        for (String arg : args) {
            if (List.of("-h", "--help", "-V", "--version").contains(arg)) {
                return false;
            }
        }
        return SERVER_COMMAND.equals(command(args));
    }

    /** The arguments, led by {@link #DEFAULT_COMMAND}'s command when they name none and the property is set. */
    static String[] withDefaultCommand(String... args) {
        String fallback = System.getProperty(DEFAULT_COMMAND);
        if (fallback == null || fallback.isBlank() || command(args) != null) {
            return args;
        }
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = fallback.strip();
        System.arraycopy(args, 0, withCommand, 1, args.length);
        return withCommand;
    }

    /**
     * stderr without the report Quarkus prints of a configuration it could not use ({@code Configuration validation
     * failed:} and a line per problem, each with its exception's class): the exit handler says the same in one line.
     */
    private static final class WithoutConfigReport extends PrintStream {

        private static final String CONFIG_REPORT = "Configuration validation failed:";

        WithoutConfigReport(PrintStream err) {
            super(err, true);
        }

        @Override
        public void println(String line) {
            if (line == null || !line.startsWith(CONFIG_REPORT)) {
                super.println(line);
            }
        }
    }

    /** The first argument that is not an option, or null. */
    private static String command(String... args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }
}
