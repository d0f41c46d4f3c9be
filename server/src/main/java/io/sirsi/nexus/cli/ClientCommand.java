package io.sirsi.nexus.cli;

import io.sirsi.nexus.wire.AllocationView;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
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

    @Override
    public final Integer call() {
        return run(options.client());
    }

    protected abstract int run(RegistryClient registry);

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints the registry's answer as it came for {@code -o json}, else as the renderer shows its record. */
    protected <T> int print(RegistryClient.Reply<T> reply, Consumer<T> renderer) {
        if (options.json()) {
            out().println(reply.body());
        } else {
            renderer.accept(reply.value());
        }
        out().flush();
        return ExitCode.OK.code();
    }

    protected void print(Table table) {
        table.print(out(), spec.commandLine().getColorScheme().ansi());
    }

    /** Allocations by port. */
    protected static List<AllocationView> byPort(Collection<AllocationView> allocations) {
        List<AllocationView> sorted = new ArrayList<>(allocations);
        sorted.sort(Comparator.comparingInt(AllocationView::port));
        return sorted;
    }

    /** One host's allocations, by port: the host goes without saying. */
    protected void printAllocations(Collection<AllocationView> allocations, String whenEmpty) {
        printAllocations(byPort(allocations), whenEmpty, false);
    }

    /** Allocations in this order, each with its host when {@code withHost} (they are on several). */
    protected void printAllocations(List<AllocationView> allocations, String whenEmpty, boolean withHost) {
        if (allocations.isEmpty()) {
            out().println(whenEmpty);
            return;
        }
        List<String> headers = new ArrayList<>(List.of("PORT", "SERVICE", "TYPE", "STATUS", "HEARTBEAT",
                "ALLOCATION ID"));
        if (withHost) {
            headers.add(0, "HOST");
        }
        Table table = new Table(headers.toArray(String[]::new));
        for (AllocationView allocation : allocations) {
            List<Object> cells = new ArrayList<>(Arrays.asList(allocation.port(), allocation.serviceName(),
                    allocation.serviceType(), Table.status(allocation.status()), age(allocation.lastHeartbeat()),
                    allocation.allocationId()));
            if (withHost) {
                cells.add(0, allocation.host());
            }
            table.row(cells.toArray());
        }
        print(table);
    }

    protected void printAllocation(AllocationView allocation) {
        print(allocationTable(allocation));
    }

    protected static Table allocationTable(AllocationView allocation) {
        return new Table("FIELD", "VALUE").row("service", allocation.serviceName())
                .row("port", allocation.port())
                .row("type", allocation.serviceType())
                .row("status", Table.status(allocation.status()))
                .row("allocation id", allocation.allocationId())
                .row("allocated at", allocation.allocatedAt() + " (" + age(allocation.allocatedAt()) + ")")
                .row("last heartbeat", allocation.lastHeartbeat() + " (" + age(allocation.lastHeartbeat()) + ")")
                .row("process id", allocation.processId())
                .row("host", allocation.host());
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
