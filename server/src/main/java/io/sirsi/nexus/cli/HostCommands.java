package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.RegistryViews;
import io.sirsi.nexus.client.ScaleRequest;
import io.sirsi.nexus.client.SirsiNexusClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A platform of several hosts: the hosts ({@code ports hosts}), a service's instances, scaling a service. */
final class HostCommands {

    private HostCommands() {
    }

    @Command(name = "hosts", description = {"Show every host: its allocations by status, its agent and unregistered"
            + " listeners, and, for each type in use there, the ports in use and still available.",
            "With HOST: that host's agent, the listeners no allocation holds and the allocations not listening."})
    static class HostsCommand extends ClientCommand {

        @Parameters(arity = "0..1", paramLabel = "HOST", description = "One host to show in detail.")
        String host;

        @Override
        protected int run(SirsiNexusClient registry) {
            if (host != null) {
                return print(registry.host(Arguments.host("HOST", host)), this::printHost);
            }
            return print(registry.hosts(), hosts -> {
                if (hosts.isEmpty()) {
                    out().println("No hosts known.");
                    return;
                }
                // the agents' columns only where some host has one: without agents the table is as it was
                boolean agents = hosts.values().stream().anyMatch(usage -> usage.agent() != null);
                // and the maintenance column only where some host is in maintenance
                boolean maintenance = hosts.values().stream().anyMatch(usage -> usage.maintenance() != null);
                List<String> headers = new ArrayList<>(List.of("HOST", "ALLOCATIONS", "ACTIVE", "RESERVED",
                        "EXPIRED", "DRAINING"));
                if (agents) {
                    headers.addAll(List.of("AGENT", "UNREGISTERED"));
                }
                if (maintenance) {
                    headers.add("MAINTENANCE");
                }
                Table totals = new Table(headers.toArray(String[]::new));
                Table types = new Table("HOST", "TYPE", "IN USE", "AVAILABLE");
                boolean typesInUse = false;
                for (var host : hosts.entrySet()) {
                    RegistryViews.HostSummary usage = host.getValue();
                    List<Object> cells = new ArrayList<>(List.of(host.getKey(), usage.totalAllocations(),
                            usage.activeAllocations(), usage.reservedAllocations(), usage.expiredAllocations(),
                            usage.drainingAllocations()));
                    if (agents) {
                        cells.add(agent(usage.agent()));
                        cells.add(usage.unregisteredListeners() == null ? "-" : usage.unregisteredListeners());
                    }
                    if (maintenance) {
                        cells.add(maintenance(usage.maintenance()));
                    }
                    totals.row(cells.toArray());
                    for (var type : usage.types().entrySet()) {
                        if (type.getValue().inUse() > 0) {
                            types.row(host.getKey(), type.getKey(), type.getValue().inUse(),
                                    type.getValue().available());
                            typesInUse = true;
                        }
                    }
                }
                print(totals);
                if (typesInUse) {
                    out().println();
                    print(types);
                }
            });
        }

        /** "until T (reason)", or "-" for a host not in maintenance. */
        private static String maintenance(RegistryViews.HostMaintenance maintenance) {
            return maintenance == null ? "-" : "until " + maintenance.until()
                    + (maintenance.reason() == null ? "" : " (" + maintenance.reason() + ")");
        }

        private void printHost(RegistryViews.HostDetail detail) {
            out().printf("%s: agent %s%n", detail.host(), agent(detail.agent()));
            if (detail.agent() == null) {
                return;
            }
            out().println();
            if (detail.unregisteredListeners().isEmpty()) {
                out().println("No unregistered listeners.");
            } else {
                Table listeners = new Table("PORT", "PROTOCOL", "ADDRESS", "PID", "PROCESS");
                detail.unregisteredListeners().forEach(listener -> listeners.row(listener.port(),
                        listener.protocol(), listener.address(), listener.pid() == null ? "-" : listener.pid(),
                        listener.process() == null ? "-" : listener.process()));
                out().println("Unregistered listeners (their ports are not granted on this host):");
                print(listeners);
            }
            out().println();
            printAllocations(detail.notListening(), "No allocation is not listening.");
        }

        private static String agent(RegistryViews.AgentStatus agent) {
            return agent == null ? "-" : agent.status() + " (" + age(agent.lastReport()) + ")";
        }
    }

    @Command(name = "instances", description = "List the instances of a service on every host, Active first (exit 3"
            + " when it runs nowhere).")
    static class InstancesCommand extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "Service name.")
        String name;

        @Option(names = "--status", paramLabel = "STATUS", description = "Only instances with this status: Active,"
                + " Draining, Expired or Reserved.")
        String status;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.instances(Arguments.serviceName("NAME", name), status),
                    instances -> printAllocations(instances, "No instances of " + name + ".", true));
        }
    }

    @Command(name = "scale", description = {"Give a service exactly N instances, all or nothing (exit 4 when it"
            + " cannot be done).", "New instances go first to hosts without one, then to the least used; surplus"
            + " ones are released, newest first."})
    static class ScaleCommand extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Service name.")
        String name;

        @Parameters(index = "1", paramLabel = "TYPE", description = "Service type, e.g. rest-api.")
        String type;

        @Parameters(index = "2", paramLabel = "N", description = "How many instances it should have.")
        int instances;

        @Option(names = "--hosts", paramLabel = "HOST", split = ",", description = "The hosts to place instances on,"
                + " e.g. node-a,node-b (default: every host the registry knows).")
        List<String> hosts;

        @Mixin
        StrategyOption strategy;

        @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "What new instances receive on: tcp or"
                + " udp (default: what the service's instances do, else tcp).")
        String protocol;

        @Override
        protected int run(SirsiNexusClient registry) {
            Arguments.serviceName("NAME", name);
            Arguments.serviceType("TYPE", type);
            Arguments.protocol("--protocol", protocol);
            if (hosts != null) {
                hosts.forEach(each -> Arguments.host("--hosts", each));
            }
            ScaleRequest request = new ScaleRequest(name, type, instances, hosts, strategy.strategy, protocol);
            return print(registry.scale(request), scaled -> {
                out().printf("%s: %d instance(s), %d added, %d removed%n", name, scaled.instances().size(),
                        scaled.added(), scaled.removed());
                if (scaled.message() != null && !scaled.message().isBlank()) {
                    out().println(scaled.message());
                }
                printAllocations(scaled.instances(), "", true);
            });
        }
    }
}
