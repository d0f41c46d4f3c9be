package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.RegistryViews;
import io.sirsi.nexus.client.SirsiNexusClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code sirsi-nexus ports}: the client of a running registry. */
@Command(name = "ports", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Allocate, look up and manage ports in a running registry.",
        footer = {"", "Environment: SIRSI_NEXUS_URL (registry URL), SIRSI_NEXUS_API_KEY, SIRSI_NEXUS_CACERT,"
                + " SIRSI_NEXUS_HOST (the host of --host), NO_COLOR.",
                "Run 'sirsi-nexus ports COMMAND --help' for more on a command."})
public class PortsCommand implements Runnable {

    /**
     * The commands under {@code ports}, in the order help lists them. A new command is a class here; a client
     * command builds only its own picocli model ({@link SirsiNexusCli}).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(ListCommand.class, OverviewCommand.class,
            ServiceCommand.class, PortCommand.class, TypeCommand.class, StatsCommand.class, HealthCommand.class,
            RangesCommand.class, AllocateCommand.class, ReleaseCommand.class, DrainCommands.DrainCommand.class,
            DrainCommands.UndrainCommand.class, HeartbeatCommand.class,
            CleanupCommand.class, ChangeLogCommands.WatchCommand.class, ChangeLogCommands.HistoryCommand.class,
            ChangeLogCommands.AnalyticsCommand.class, ExecCommand.class, HostCommands.HostsCommand.class,
            HostCommands.InstancesCommand.class, HostCommands.ScaleCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    @Command(name = "list", description = {"List every service holding a port on a host (--host), or on every host"
            + " (--all-hosts)."})
    static class ListCommand extends ClientCommand {
        @Mixin
        HostOption host;

        @Option(names = "--all-hosts", description = "Every host's allocations, by host then port, with a HOST column.")
        boolean allHosts;

        @Override
        protected int run(SirsiNexusClient registry) {
            if (allHosts) {
                if (host.given()) {
                    throw new ParameterException(spec.commandLine(), "--all-hosts and --host cannot go together");
                }
                return print(registry.allocations(null, null),
                        all -> printAllocations(all, "No services hold a port on any host.", true));
            }
            return print(registry.directory(host.name()), directory -> printAllocations(directory.values(),
                    "No services hold a port" + host.host().map(name -> " on " + name).orElse("") + "."));
        }
    }

    @Command(name = "overview", description = "Show allocations, port usage and statistics.")
    static class OverviewCommand extends ClientCommand {
        @Mixin
        HostOption host;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.overview(host.name()), overview -> {
                RegistryViews.Stats stats = overview.registryStats();
                out().printf("%d ports held: %d active, %d reserved, %d expired%s%n%n", overview.totalPorts(),
                        stats.activeAllocations(), stats.reservedAllocations(), stats.expiredAllocations(),
                        stats.drainingAllocations() > 0 ? ", " + stats.drainingAllocations() + " draining" : "");
                printAllocations(overview.portAllocations().values(), "No services hold a port.");
                if (!overview.serviceTypes().isEmpty()) {
                    out().println();
                    Table types = new Table("TYPE", "SERVICES");
                    overview.serviceTypes().forEach((type, services) -> types.row(type, String.join(", ", services)));
                    print(types);
                }
            });
        }
    }

    @Command(name = "service", description = {"Show the service with this name: on the host given, else on"
            + " whichever host it runs (one instance; 'ports instances NAME' lists them all)."})
    static class ServiceCommand extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "Service name.")
        String name;

        @Mixin
        HostOption host;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.service(Arguments.serviceName("NAME", name), host.name()), service -> {
                Table table = allocationTable(service);
                lastAnswer().header("X-Sirsi-Instances").filter(instances -> !"1".equals(instances))
                        .ifPresent(instances -> table.row("instances", instances + " (sirsi-nexus ports instances "
                                + name + ")"));
                print(table);
            });
        }
    }

    @Command(name = "port", description = "Show the service holding this port.")
    static class PortCommand extends ClientCommand {
        @Parameters(paramLabel = "PORT", description = "Port number, 1-65535.")
        int port;

        @Mixin
        HostOption host;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.port(Arguments.port("PORT", port), host.name()), this::printAllocation);
        }
    }

    @Command(name = "type", description = "List the services of a type (rest-api, grpc, websocket, database, cache,"
            + " analytics, security, frontend, custom, or one the registry's sirsi.ports.ranges.<name> defines).")
    static class TypeCommand extends ClientCommand {
        @Parameters(paramLabel = "TYPE", description = "Service type.")
        String type;

        @Mixin
        HostOption host;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.byType(Arguments.serviceType("TYPE", type), host.name()),
                    services -> printAllocations(services, "No services of type " + type + "."));
        }
    }

    @Command(name = "stats", description = "Show counts of allocations by status and by type.")
    static class StatsCommand extends ClientCommand {
        @Mixin
        HostOption host;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.stats(host.name()), stats -> {
                Table table = new Table("ALLOCATIONS", "COUNT");
                table.row("total", stats.totalAllocations())
                        .row("active", stats.activeAllocations())
                        .row("reserved", stats.reservedAllocations())
                        .row("expired", stats.expiredAllocations());
                if (stats.drainingAllocations() > 0) {
                    table.row("draining", stats.drainingAllocations());
                }
                stats.serviceTypes().forEach((type, count) -> table.row("type " + type, count));
                print(table);
            });
        }
    }

    @Command(name = "health", description = "Show whether the registry and its store work (exit 6 if not).")
    static class HealthCommand extends ClientCommand {

        @Override
        protected int run(SirsiNexusClient registry) {
            RegistryViews.Health health = registry.health();
            print(health, report -> out().printf("%s: store %s, %d allocations, up %ds. %s%n", report.status(),
                    report.store(), report.totalAllocations(), report.uptimeSeconds(), report.message()));
            return ("healthy".equals(health.status()) ? ExitCode.OK : ExitCode.UNREACHABLE).code();
        }
    }

    @Command(name = "ranges", description = "Show the port range of every type and how much of it is used.")
    static class RangesCommand extends ClientCommand {
        @Mixin
        HostOption host;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.ranges(host.name()), ranges -> {
                Table table = new Table("TYPE", "RANGE", "SIZE", "IN USE", "RESERVED", "AVAILABLE", "COOLING");
                ranges.forEach((type, range) -> table.row(type, range.firstPort() + "-" + range.lastPort(),
                        range.size(), range.inUse(), range.reserved(), range.available(), range.cooling()));
                print(table);
            });
        }
    }

    @Command(name = "allocate", description = "Allocate a port for a service (the same service gets its port back).")
    static class AllocateCommand extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Service name.")
        String name;

        @Parameters(index = "1", paramLabel = "TYPE", description = "Service type, e.g. rest-api.")
        String type;

        @Mixin
        AllocationOptions allocation;

        @Option(names = "--process-id", paramLabel = "PID", description = "Process id to record with the allocation.")
        Long processId;

        @Option(names = {"-q", "--quiet"}, description = "Print only the port number, e.g. PORT=$(sirsi-nexus ports"
                + " allocate my-api rest-api -q).")
        boolean quiet;

        @Override
        protected int run(SirsiNexusClient registry) {
            Allocation granted = registry.allocate(allocation.request(spec, name, type, processId));
            if (quiet && !options.json()) {
                out().println(granted.port());
                out().flush();
                return ExitCode.OK.code();
            }
            return print(granted, allocated -> {
                out().printf("Port %d -> %s (%s)%s%n", allocated.port(), allocated.serviceName(),
                        allocated.serviceType(), allocation.host().isPresent() ? " on " + allocated.host() : "");
                out().printf("allocation id: %s%n%s%n", allocated.allocationId(),
                        lastAnswer().message().orElse(null));
            });
        }
    }

    @Command(name = "release", description = "Release a port allocation.")
    static class ReleaseCommand extends ClientCommand {
        @Parameters(paramLabel = "ALLOCATION_ID", description = "Allocation id, as printed by allocate and list.")
        String allocationId;

        @Override
        protected int run(SirsiNexusClient registry) {
            registry.release(allocationId(allocationId));
            return print(allocationId, id -> out().println("Released allocation " + id));
        }
    }

    @Command(name = "heartbeat", description = "Send a heartbeat for an allocation (revives an expired one).")
    static class HeartbeatCommand extends ClientCommand {
        @Parameters(paramLabel = "ALLOCATION_ID", description = "Allocation id.")
        String allocationId;

        @Override
        protected int run(SirsiNexusClient registry) {
            registry.heartbeat(allocationId(allocationId));
            return print(allocationId, id -> out().println("Heartbeat recorded for allocation " + id));
        }
    }

    @Command(name = "cleanup", description = "Remove expired allocations now and free their ports.")
    static class CleanupCommand extends ClientCommand {
        @Option(names = "--force", description = "Also expire what is due on hosts in self-preservation (their"
                + " services all went quiet at once: check that they are really gone).")
        boolean force;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.cleanup(force), removed -> {
                out().println(lastAnswer().message().orElse(""));
                if (!removed.isEmpty()) { // from every host: by host, then port, with a HOST column
                    List<Allocation> byHost = new ArrayList<>(removed);
                    byHost.sort(Comparator.comparing(Allocation::host, Comparator.nullsFirst(Comparator.naturalOrder()))
                            .thenComparingInt(Allocation::port));
                    printAllocations(byHost, "", true);
                }
            });
        }
    }
}
