package io.sirsi.nexus.cli;

import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar run as a CLI process ({@code java -jar quarkus-run.jar ARGS}), as scripts and people run it. */
final class Cli {

    private Cli() {
    }

    /** What a finished command said and how it ended. */
    record Run(int exitCode, String out, String err) {
    }

    /** Starts {@code sirsi-nexus ARGS} with these variables added to the environment. */
    static Process launch(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(RegistryProcess.javaExecutable(), "-jar",
                RegistryProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * {@link #launch}, with SIGINT at its default disposition whatever this test inherited, for tests that end a
     * command with Ctrl-C. A job that a non-interactive shell starts in the background ({@code mvn verify &} in a
     * script) ignores SIGINT; children inherit that, and the JVM keeps an ignored SIGINT ignored: its handlers are
     * never installed. That, not the machine's load, is why a watch once outlived its SIGINT in a fresh clone's run.
     * {@code env --default-signal} (GNU coreutils 8.31 or later) resets it for the command.
     */
    static Process launchInterruptible(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                RegistryProcess.javaExecutable(), "-jar", RegistryProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * Runs {@code sirsi-nexus ports COMMAND --url URL ARGS...} to its end: the URL right after the command, before
     * arguments that may end in {@code exec}'s command.
     */
    static Run ports(String url, Map<String, String> environment, String... commandAndArgs)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("ports", commandAndArgs[0], "--url", url));
        all.addAll(List.of(commandAndArgs).subList(1, commandAndArgs.length));
        return run(environment, all.toArray(String[]::new));
    }

    /** Runs {@code sirsi-nexus ARGS} to its end. */
    static Run run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        return finish(launch(environment, args));
    }

    /** Waits for a launched command; its output is read whole first, so a full pipe never blocks it. */
    static Run finish(Process process) throws IOException, InterruptedException {
        var out = process.getInputStream().readAllBytes();
        var err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command did not end within 60 s");
        }
        return new Run(process.exitValue(), new String(out), new String(err));
    }
}
