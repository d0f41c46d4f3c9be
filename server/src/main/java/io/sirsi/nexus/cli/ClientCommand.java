package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.RegistryAnswer;
import io.sirsi.nexus.client.RegistryException;
import io.sirsi.nexus.client.SirsiNexusClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to a running registry: shared options, the client, and the table/json printing. */
abstract class ClientCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    private RegistrySession session;

    @Override
    public final Integer call() {
        try (RegistrySession opened = options.session()) {
            session = opened;
            return run(opened.client());
        } catch (RegistryException e) {
            throw session.failure(e);
        }
    }

    protected abstract int run(SirsiNexusClient registry);

    /** The registry's last answer as it came: its body for {@code -o json}, its headers. */
    protected RegistryAnswer lastAnswer() {
        return session.lastAnswer();
    }

    protected RegistrySession session() {
        return session;
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Prints the registry's answer as it came for {@code -o json}, else as the renderer shows the client's record of
     * it (the value of the request just made).
     */
    protected <T> int print(T value, Consumer<T> renderer) {
        if (options.json()) {
            out().println(lastAnswer().text());
        } else {
            renderer.accept(value);
        }
        out().flush();
        return ExitCode.OK.code();
    }

    protected void print(Table table) {
        table.print(out(), spec.commandLine().getColorScheme().ansi());
    }

    /** An allocation id from the command line; a malformed one is a usage error, and the registry is not asked. */
    static UUID allocationId(String text) {
        return Arguments.allocationId(text);
    }

    /** Allocations by port. */
    protected static List<Allocation> byPort(Collection<Allocation> allocations) {
        List<Allocation> sorted = new ArrayList<>(allocations);
        sorted.sort(Comparator.comparingInt(Allocation::port));
        return sorted;
    }

    /** One host's allocations, by port: the host goes without saying. */
    protected void printAllocations(Collection<Allocation> allocations, String whenEmpty) {
        printAllocations(byPort(allocations), whenEmpty, false);
    }

    /** Allocations in this order, each with its host when {@code withHost} (they are on several). */
    protected void printAllocations(List<Allocation> allocations, String whenEmpty, boolean withHost) {
        if (allocations.isEmpty()) {
            out().println(whenEmpty);
            return;
        }
        List<String> headers = new ArrayList<>(List.of("PORT", "SERVICE", "TYPE", "STATUS", "HEARTBEAT",
                "ALLOCATION ID"));
        if (withHost) {
            headers.add(0, "HOST");
        }
        // a check's column only where some allocation has one: without checks the table is as it was
        boolean checks = allocations.stream().anyMatch(allocation -> allocation.check() != null);
        if (checks) {
            headers.add("CHECK");
        }
        Table table = new Table(headers.toArray(String[]::new));
        for (Allocation allocation : allocations) {
            List<Object> cells = new ArrayList<>(Arrays.asList(allocation.port(), allocation.serviceName(),
                    allocation.serviceType(), Table.status(allocation.status()), age(allocation.lastHeartbeat()),
                    allocation.allocationId()));
            if (withHost) {
                cells.add(0, allocation.host());
            }
            if (checks) {
                cells.add(allocation.healthCheck().map(Allocation.Check::status).orElse("-"));
            }
            table.row(cells.toArray());
        }
        print(table);
    }

    protected void printAllocation(Allocation allocation) {
        print(allocationTable(allocation));
    }

    protected static Table allocationTable(Allocation allocation) {
        Table table = new Table("FIELD", "VALUE").row("service", allocation.serviceName())
                .row("port", allocation.port())
                .row("type", allocation.serviceType())
                .row("status", Table.status(allocation.status()))
                .row("allocation id", allocation.allocationId())
                .row("allocated at", allocation.allocatedAt() + " (" + age(allocation.allocatedAt()) + ")")
                .row("last heartbeat", allocation.lastHeartbeat() + " (" + age(allocation.lastHeartbeat()) + ")")
                .row("process id", allocation.processId())
                .row("host", allocation.host());
        // what a host agent adds, only where it has something to say
        if (allocation.protocol() != null) {
            table.row("protocol", allocation.protocol());
        }
        if (allocation.liveness() != null) {
            table.row("liveness", allocation.liveness());
        }
        if (allocation.listening() != null) {
            table.row("listening", allocation.listening() ? "yes" : "no");
        }
        allocation.healthCheck().ifPresent(check -> table.row("check", check.type() + (check.path() == null ? ""
                : " " + check.path()) + " every " + check.interval() + ", timeout " + check.timeout() + ": "
                + check.status() + (check.output() == null ? ""
                : " (" + check.output().replaceAll("\\s+", " ") + ")")));
        return table;
    }

    /** "4s ago", "3m ago", "2h ago", "5d ago". */
    static String age(Instant instant) {
        if (instant == null) {
            return "-";
        }
        Duration age = Duration.between(instant, Instant.now());
        if (age.isNegative() || age.toSeconds() < 1) {
            return "just now";
        }
        if (age.toMinutes() < 1) {
            return age.toSeconds() + "s ago";
        }
        if (age.toHours() < 1) {
            return age.toMinutes() + "m ago";
        }
        return age.toDays() < 1 ? age.toHours() + "h ago" : age.toDays() + "d ago";
    }
}
