package io.sirsi.nexus.cli;

import io.sirsi.nexus.agent.CheckRunner;
import io.sirsi.nexus.agent.HostNetworkNamespace;
import io.sirsi.nexus.agent.HostScanner;
import io.sirsi.nexus.agent.ReportLoop;
import io.sirsi.nexus.client.RegistryException;
import io.sirsi.nexus.client.RegistryViews;
import io.sirsi.nexus.registry.Hosts;
import io.sirsi.nexus.registry.ReportedAddresses;
import io.sirsi.nexus.wire.HostReport;
import io.sirsi.nexus.wire.HostViews;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sirsi-nexus agent}: the binary's third face, one per host. Every interval it sends the host's listening
 * sockets, their owners and its kernel's port settings to the registry, which reconciles them with the host's
 * allocations. Like the client commands it boots no server.
 */
@Command(name = "agent", description = {"Report this host's listening sockets to the registry every interval, so"
        + " that it never grants a port another process holds here and sees which allocations stopped listening.",
        "Needs root or CAP_SYS_PTRACE to name the owners of other users' sockets; without, those are reported"
        + " without an owner."})
public class AgentCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", description = "The host this agent reports for (default: this"
            + " machine's host name).")
    String host;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between reports (default: ${DEFAULT-VALUE}).")
    int intervalSeconds;

    @Option(names = "--reports", paramLabel = "N", defaultValue = "0",
            description = "Stop after N reports (default: report until stopped); --reports 1 reports once and exits"
                    + " non-zero when the report failed.")
    long reports;

    @Option(names = "--address", paramLabel = "IP", description = "An address other machines reach this host at,"
            + " which the registry's DNS answers the host's name with; repeat it for several, at most "
            + ReportedAddresses.MAX_PER_HOST + " (default: those of the interfaces a default route goes through,"
            + " then of the other physical ones; container bridges and other virtual interfaces are left out;"
            + " loopback and link-local addresses are never published).")
    List<String> addresses = new ArrayList<>();

    @Option(names = "--proc", paramLabel = "DIR", description = "Where the host's /proc is, e.g. /host/proc in a"
            + " container that mounts it there (default: /proc, this agent's own). The agent must be in that host's"
            + " network namespace (host networking), else it refuses to start.")
    Path proc;

    @Override
    public Integer call() throws InterruptedException {
        if (intervalSeconds < 1) {
            throw new CliException(ExitCode.USAGE, "--interval must be at least 1 second");
        }
        if (addresses.size() > ReportedAddresses.MAX_PER_HOST) {
            throw new CliException(ExitCode.USAGE, "--address given " + addresses.size() + " times: the registry"
                    + " answers a host's name with at most " + ReportedAddresses.MAX_PER_HOST + " addresses");
        }
        if (reports < 0) {
            throw new CliException(ExitCode.USAGE, "invalid --reports '" + reports + "': expected 0 (report until"
                    + " stopped) or more");
        }
        List<String> advertised = new ArrayList<>();
        for (String address : addresses) {
            advertised.add(Hosts.address(address.strip()).orElseThrow(() -> new CliException(ExitCode.USAGE,
                    "--address " + address + ": not an IP address (write e.g. 10.0.0.7 or fd00::7)")));
        }
        Path procRoot = proc != null ? proc : Path.of("/proc");
        if (proc != null) {
            try {
                Optional<String> refusal = HostNetworkNamespace.refusal(proc);
                if (refusal.isPresent()) {
                    throw new CliException(ExitCode.USAGE, refusal.get());
                }
            } catch (IOException unknown) {
                System.err.println("sirsi-nexus agent: cannot tell whether this agent is in the network namespace of"
                        + " --proc " + proc + " (" + unknown.getMessage() + "); the socket tables read are this"
                        + " agent's own namespace's");
            }
        }
        String reportingHost = host != null ? host : localHostName();
        String version = new VersionProvider().getVersion()[0].replace("sirsi-nexus ", "");
        // closed with the session: the CLI may run in-process (tests), where its check threads would outlive it
        try (CheckRunner checks = new CheckRunner(Clock.systemUTC()); RegistrySession registry = options.session()) {
            // the answer names the checks to run on this host; their results go with the next report
            ReportLoop loop = new ReportLoop(new HostScanner(procRoot, version, Clock.systemUTC(), advertised),
                    report -> {
                        checks.listening(report.listeners()); // a check dials its port where it is bound
                        checks.update(send(registry, reportingHost, checks.withResults(report)));
                    },
                    Duration.ofSeconds(intervalSeconds), System.err, duration -> Thread.sleep(duration.toMillis()));
            if (reports == 1) {
                return loop.reportOnce() ? ExitCode.OK.code() : ExitCode.FAILED.code();
            }
            loop.run(reports);
            return ExitCode.OK.code();
        }
    }

    /**
     * One report, through the client library; a refusal or no answer is the CLI's one-line failure. Returns the
     * checks the registry asks this host's agent to run.
     */
    private static List<HostViews.CheckOrder> send(RegistrySession registry, String host, HostReport report) {
        try {
            io.sirsi.nexus.client.HostReport.Receipt receipt = registry.client().report(host,
                    new io.sirsi.nexus.client.HostReport(report.agentVersion(), report.scannedAt(),
                            report.listeners().stream().map(listener -> new RegistryViews.Listener(listener.port(),
                                    listener.protocol(), listener.address(), listener.pid(), listener.process()))
                                    .toList(), span(report.ephemeralRange()),
                            report.reservedPorts().stream().map(AgentCommand::span).toList(), report.addresses(),
                            report.checks() == null ? null : report.checks().stream().map(result ->
                                    new io.sirsi.nexus.client.HostReport.CheckResult(result.allocationId(),
                                            result.status(), result.output(), result.ranAt())).toList()));
            return receipt.checks() == null ? List.of() : receipt.checks().stream().map(order ->
                    new HostViews.CheckOrder(order.allocationId(), order.port(), order.type(), order.path(),
                            order.intervalMs(), order.timeoutMs())).toList();
        } catch (RegistryException e) {
            throw registry.failure(e);
        }
    }

    private static io.sirsi.nexus.client.HostReport.PortSpan span(HostReport.PortSpan span) {
        return span == null ? null : new io.sirsi.nexus.client.HostReport.PortSpan(span.first(), span.last());
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new CliException(ExitCode.USAGE, "cannot tell this machine's host name (" + e.getMessage()
                    + "); name it with --host");
        }
    }
}
