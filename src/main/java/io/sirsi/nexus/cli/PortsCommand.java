package io.sirsi.nexus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sirsi.nexus.registry.PortRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sirsi-nexus ports}: the client of a running registry. */
@Command(name = "ports", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Allocate, look up and manage ports in a running registry.",
        subcommands = {PortsCommand.ListCommand.class, PortsCommand.OverviewCommand.class,
                PortsCommand.ServiceCommand.class, PortsCommand.PortCommand.class, PortsCommand.TypeCommand.class,
                PortsCommand.StatsCommand.class, PortsCommand.HealthCommand.class, PortsCommand.RangesCommand.class,
                PortsCommand.AllocateCommand.class, PortsCommand.ReleaseCommand.class,
                PortsCommand.HeartbeatCommand.class, PortsCommand.CleanupCommand.class, ExecCommand.class},
        footer = {"", "Environment: SIRSI_NEXUS_URL (registry URL), SIRSI_NEXUS_API_KEY, NO_COLOR.",
                "Run 'sirsi-nexus ports COMMAND --help' for more on a command."})
public class PortsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    @Command(name = "list", description = "List every service holding a port.")
    static class ListCommand extends ClientCommand {

        @Override
        protected int run(RegistryClient registry) {
            return print(registry.get("ports/directory"),
                    directory -> printAllocations(allocations(directory), "No services hold a port."));
        }
    }

    @Command(name = "overview", description = "Show allocations, port usage and statistics.")
    static class OverviewCommand extends ClientCommand {

        @Override
        protected int run(RegistryClient registry) {
            return print(registry.get("ports/overview"), overview -> {
                JsonNode stats = overview.path("registry_stats");
                out().printf("%d ports held: %d active, %d reserved, %d expired%n%n",
                        overview.path("total_ports").asInt(), stats.path("active_allocations").asInt(),
                        stats.path("reserved_allocations").asInt(), stats.path("expired_allocations").asInt());
                printAllocations(allocations(overview.path("port_allocations")), "No services hold a port.");
                if (!overview.path("service_types").isEmpty()) {
                    out().println();
                    Table types = new Table("TYPE", "SERVICES");
                    overview.path("service_types").fields().forEachRemaining(entry -> types.row(entry.getKey(),
                            String.join(", ", JSON.convertValue(entry.getValue(), String[].class))));
                    types.print(out());
                }
            });
        }
    }

    @Command(name = "service", description = "Show the service with this name.")
    static class ServiceCommand extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "Service name.")
        String name;


        @Override
        protected int run(RegistryClient registry) {
            return print(registry.get("ports/service/" + RegistryClient.segment(name)), this::printAllocation);
        }
    }

    @Command(name = "port", description = "Show the service holding this port.")
    static class PortCommand extends ClientCommand {
        @Parameters(paramLabel = "PORT", description = "Port number, 1-65535.")
        int port;


        @Override
        protected int run(RegistryClient registry) {
            if (!PortRange.isValidPort(port)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "Invalid PORT " + port + ": expected 1-65535");
            }
            return print(registry.get("ports/port/" + port), this::printAllocation);
        }
    }

    @Command(name = "type", description = "List the services of a type (rest-api, grpc, websocket, database, cache,"
            + " analytics, security, frontend, custom).")
    static class TypeCommand extends ClientCommand {
        @Parameters(paramLabel = "TYPE", description = "Service type.")
        String type;


        @Override
        protected int run(RegistryClient registry) {
            return print(registry.get("ports/type/" + RegistryClient.segment(type)),
                    services -> printAllocations(allocations(services), "No services of type " + type + "."));
        }
    }

    @Command(name = "stats", description = "Show counts of allocations by status and by type.")
    static class StatsCommand extends ClientCommand {

        @Override
        protected int run(RegistryClient registry) {
            return print(registry.get("ports/stats"), stats -> {
                Table table = new Table("ALLOCATIONS", "COUNT");
                table.row("total", stats.path("total_allocations").asInt())
                        .row("active", stats.path("active_allocations").asInt())
                        .row("reserved", stats.path("reserved_allocations").asInt())
                        .row("expired", stats.path("expired_allocations").asInt());
                stats.path("service_types").fields().forEachRemaining(
                        entry -> table.row("type " + entry.getKey(), entry.getValue().asInt()));
                table.print(out());
            });
        }
    }

    @Command(name = "health", description = "Show whether the registry and its store work (exit 6 if not).")
    static class HealthCommand extends ClientCommand {

        @Override
        protected int run(RegistryClient registry) {
            RegistryClient.Reply reply = registry.probe("ports/health");
            print(reply, health -> out().printf("%s: store %s, %d allocations, up %ds. %s%n",
                    health.path("status").asText(), health.path("store").asText(),
                    health.path("total_allocations").asInt(), health.path("uptime_seconds").asLong(),
                    health.path("message").asText()));
            return "healthy".equals(reply.json().path("status").asText()) ? ExitCodes.OK : ExitCodes.UNREACHABLE;
        }
    }

    @Command(name = "ranges", description = "Show the port range of every type and how much of it is used.")
    static class RangesCommand extends ClientCommand {

        @Override
        protected int run(RegistryClient registry) {
            return print(registry.get("ports/ranges"), ranges -> {
                Table table = new Table("TYPE", "RANGE", "SIZE", "IN USE", "RESERVED", "AVAILABLE");
                ranges.fields().forEachRemaining(entry -> {
                    JsonNode range = entry.getValue();
                    table.row(entry.getKey(), range.path("first_port").asInt() + "-" + range.path("last_port").asInt(),
                            range.path("size").asInt(), range.path("in_use").asInt(), range.path("reserved").asInt(),
                            range.path("available").asInt());
                });
                table.print(out());
            });
        }
    }

    @Command(name = "allocate", description = "Allocate a port for a service (the same service gets its port back).")
    static class AllocateCommand extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Service name.")
        String name;

        @Parameters(index = "1", paramLabel = "TYPE", description = "Service type, e.g. rest-api.")
        String type;

        @Option(names = "--preferred-port", paramLabel = "PORT", description = "Port wanted; granted when free.")
        Integer preferredPort;

        @Option(names = "--required", description = "Fail (exit 4) rather than take another port.")
        boolean required;

        @Option(names = "--process-id", paramLabel = "PID", description = "Process id to record with the allocation.")
        Long processId;

        @Option(names = {"-q", "--quiet"}, description = "Print only the port number, e.g. PORT=$(sirsi-nexus ports"
                + " allocate my-api rest-api -q).")
        boolean quiet;


        @Override
        protected int run(RegistryClient registry) {
            if (required && preferredPort == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--required needs --preferred-port");
            }
            RegistryClient.Reply reply = registry.post("ports/allocate",
                    AllocateCommand.request(name, type, preferredPort, required, processId));
            if (quiet && !options.json()) {
                out().println(reply.json().path("allocation").path("port").asInt());
                out().flush();
                return ExitCodes.OK;
            }
            return print(reply, answer -> {
                JsonNode allocation = answer.path("allocation");
                out().printf("Port %d -> %s (%s)%n", allocation.path("port").asInt(),
                        allocation.path("service_name").asText(), allocation.path("service_type").asText());
                out().printf("allocation id: %s%n%s%n", allocation.path("allocation_id").asText(),
                        answer.path("message").asText());
            });
        }

        /** The allocate request body; absent options are left out. */
        static Map<String, Object> request(String name, String type, Integer preferredPort, boolean required,
                Long processId) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("service_name", name);
            body.put("service_type", type);
            if (preferredPort != null) {
                body.put("preferred_port", preferredPort);
                body.put("required", required);
            }
            if (processId != null) {
                body.put("process_id", processId);
            }
            return body;
        }
    }

    @Command(name = "release", description = "Release a port allocation.")
    static class ReleaseCommand extends ClientCommand {
        @Parameters(paramLabel = "ALLOCATION_ID", description = "Allocation id, as printed by allocate and list.")
        String allocationId;


        @Override
        protected int run(RegistryClient registry) {
            return print(registry.post("ports/release", Map.of("allocation_id", allocationId)),
                    answer -> out().println("Released allocation " + allocationId));
        }
    }

    @Command(name = "heartbeat", description = "Send a heartbeat for an allocation (revives an expired one).")
    static class HeartbeatCommand extends ClientCommand {
        @Parameters(paramLabel = "ALLOCATION_ID", description = "Allocation id.")
        String allocationId;


        @Override
        protected int run(RegistryClient registry) {
            return print(registry.post("ports/heartbeat/" + RegistryClient.segment(allocationId)),
                    answer -> out().println("Heartbeat recorded for allocation " + allocationId));
        }
    }

    @Command(name = "cleanup", description = "Remove expired allocations now and free their ports.")
    static class CleanupCommand extends ClientCommand {

        @Override
        protected int run(RegistryClient registry) {
            return print(registry.post("ports/cleanup"), answer -> {
                out().println(answer.path("message").asText());
                List<JsonNode> removed = allocations(answer.path("removed_allocations"));
                if (!removed.isEmpty()) {
                    printAllocations(removed, "");
                }
            });
        }
    }
}
