package io.sirsi.nexus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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

    /** Plain Jackson: the CLI reads the registry's JSON as a tree and writes request bodies from maps. */
    protected static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public final Integer call() {
        return run(options.client(JSON));
    }

    protected abstract int run(RegistryClient registry);

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints the registry's answer as it is for {@code -o json}, else as the renderer shows it. */
    protected int print(RegistryClient.Reply reply, Consumer<JsonNode> renderer) {
        if (options.json()) {
            out().println(reply.body());
        } else {
            renderer.accept(reply.json());
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** The allocations of a JSON object or array, by port. */
    protected static List<JsonNode> allocations(JsonNode container) {
        List<JsonNode> allocations = new ArrayList<>();
        container.forEach(allocations::add);
        allocations.sort(Comparator.comparingInt(allocation -> allocation.path("port").asInt()));
        return allocations;
    }

    protected void printAllocations(List<JsonNode> allocations, String whenEmpty) {
        if (allocations.isEmpty()) {
            out().println(whenEmpty);
            return;
        }
        Table table = new Table("PORT", "SERVICE", "TYPE", "STATUS", "HEARTBEAT", "ALLOCATION ID");
        for (JsonNode allocation : allocations) {
            table.row(allocation.path("port").asInt(), allocation.path("service_name").asText(),
                    allocation.path("service_type").asText(), Table.status(allocation.path("status").asText()),
                    age(allocation.path("last_heartbeat").asText()), allocation.path("allocation_id").asText());
        }
        table.print(out());
    }

    protected void printAllocation(JsonNode allocation) {
        Table table = new Table("FIELD", "VALUE");
        table.row("service", allocation.path("service_name").asText())
                .row("port", allocation.path("port").asInt())
                .row("type", allocation.path("service_type").asText())
                .row("status", Table.status(allocation.path("status").asText()))
                .row("allocation id", allocation.path("allocation_id").asText())
                .row("allocated at", allocation.path("allocated_at").asText() + " (" + age(allocation.path("allocated_at").asText()) + ")")
                .row("last heartbeat", allocation.path("last_heartbeat").asText() + " (" + age(allocation.path("last_heartbeat").asText()) + ")")
                .row("process id", allocation.path("process_id").isNull() ? "-" : allocation.path("process_id").asText())
                .row("host", allocation.path("host").asText());
        table.print(out());
    }

    /** "4s ago", "3m ago", "2h ago", "5d ago". */
    static String age(String isoInstant) {
        try {
            Duration age = Duration.between(Instant.parse(isoInstant), Instant.now());
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
        } catch (DateTimeParseException e) {
            return "-";
        }
    }
}
