package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.DrainResult;
import io.sirsi.nexus.client.SirsiNexusClient;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code ports drain} and {@code ports undrain}: one allocation, or a host's maintenance. */
final class DrainCommands {

    private DrainCommands() {
    }

    /**
     * What the two commands name: an allocation id or {@code --host}, exactly one. Not {@link HostOption}: a whole
     * host drains only when the command line says so, never because {@code $SIRSI_NEXUS_HOST} is set.
     */
    abstract static class Target extends ClientCommand {
        @Parameters(paramLabel = "ALLOCATION_ID", arity = "0..1", description = "Allocation id, as printed by"
                + " allocate and list.")
        String allocationId;

        @Option(names = "--host", paramLabel = "HOST", description = "A whole host instead of one allocation.")
        String host;

        /** Checks that exactly one is given; true for an allocation. */
        boolean oneAllocation() {
            if ((allocationId == null) == (host == null)) {
                throw new ParameterException(spec.commandLine(), "give an ALLOCATION_ID or --host HOST, not "
                        + (host == null ? "neither" : "both"));
            }
            Arguments.host("--host", host);
            return allocationId != null;
        }
    }

    @Command(name = "drain", description = {"Drain an allocation: at once discovery no longer offers it (it is"
            + " Draining), it keeps its port, and it is released when --for ends unless undrained or released"
            + " before.",
            "With --host, put the host in maintenance: every allocation there drains, and no new one is made there"
                    + " until --for ends."})
    static class DrainCommand extends Target {
        @Option(names = "--for", paramLabel = "DURATION", description = "How long, e.g. 30s, 10m, 2h (default: the"
                + " registry's sirsi.ports.drain-timeout).")
        String drainFor;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the registry's log.")
        String reason;

        @Override
        protected int run(SirsiNexusClient registry) {
            boolean one = oneAllocation();
            // its grammar here; its longest is the registry's (sirsi.ports' drain bound), which it states
            Duration duration = drainFor == null ? null : Arguments.duration("--for", drainFor);
            DrainResult result = one ? registry.drain(allocationId(allocationId), duration, reason)
                    : registry.drainHost(host, duration, reason);
            return print(result, drained -> {
                if (one) {
                    Allocation allocation = drained.allocation();
                    out().printf("Draining %s (port %d on %s, allocation %s) until %s%n", allocation.serviceName(),
                            allocation.port(), allocation.host(), allocation.allocationId(), drained.until());
                } else {
                    out().printf("Host %s in maintenance until %s: %d allocation%s draining%n", drained.host(),
                            drained.until(), drained.drained().size(), drained.drained().size() == 1 ? "" : "s");
                }
            });
        }
    }

    @Command(name = "undrain", description = {"Put a Draining allocation back into service (Active, offered again).",
            "With --host, end the host's maintenance and undrain every Draining allocation there."})
    static class UndrainCommand extends Target {
        @Override
        protected int run(SirsiNexusClient registry) {
            if (oneAllocation()) {
                registry.undrain(allocationId(allocationId));
            } else {
                registry.undrainHost(host);
            }
            return print(lastAnswer(), done -> out().println(done.message().orElse("")));
        }
    }
}
