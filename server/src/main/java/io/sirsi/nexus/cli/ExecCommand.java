package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.AllocationRequest;
import io.sirsi.nexus.client.RegistryException;
import io.sirsi.nexus.client.SirsiNexusClient;
import io.sirsi.nexus.registry.Durations;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * {@code ports exec}: allocate a port, run a command with it in {@code PORT}, heartbeat while the command runs,
 * release when it exits. Lets a service with no registry client of its own join the platform.
 */
@Command(name = "exec", sortOptions = false,
        description = {"Allocate a port, run COMMAND with it, heartbeat while it runs, release it when it exits.",
                "COMMAND gets PORT, SIRSI_NEXUS_PORT and SIRSI_NEXUS_ALLOCATION_ID in its environment;",
                "SIGINT and SIGTERM are passed on to it; the exit code is COMMAND's. With --drain-delay, SIGTERM drains"
                        + " the allocation first (discovery stops offering it at once), and reaches COMMAND after the"
                        + " delay.",
                "Run it on the service's host: a granted port that another process holds here is given back and"
                        + " another asked for (" + ExecCommand.MAX_TRIES + " tries at most)."},
        customSynopsis = "sirsi-nexus ports exec [OPTIONS] NAME TYPE -- COMMAND [ARGS...]")
public class ExecCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Service name.")
    String name;

    @Parameters(index = "1", paramLabel = "TYPE", description = "Service type, e.g. rest-api.")
    String type;

    @Parameters(index = "2..*", paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments.")
    List<String> command;

    @Mixin
    AllocationOptions allocation;

    @Option(names = "--heartbeat-interval", paramLabel = "SECONDS",
            description = "Seconds between heartbeats (default: a third of the registry's heartbeat timeout).")
    Integer heartbeatSeconds;

    @Option(names = "--drain-delay", paramLabel = "DURATION", description = "On SIGTERM, drain the allocation first"
            + " (discovery stops offering it at once), keep COMMAND serving this long, then pass SIGTERM on, e.g. 10s"
            + " (at most 1h; default: pass it on at once). A second signal cuts the delay short.")
    String drainDelay;

    /** The longest --drain-delay: a shutdown step, which orchestrators give minutes at most. */
    static final Duration LONGEST_DRAIN_DELAY = Duration.ofHours(1);
    /**
     * How much longer than the delay the registry keeps the drained port: time for COMMAND to stop after the signal,
     * since exec releases the port itself when it exits; should exec die, the registry releases it then.
     */
    static final Duration DRAIN_MARGIN = Duration.ofMinutes(1);

    /** How many ports found taken on this host exec asks past before it gives up. */
    static final int MAX_TRIES = 5;

    private final AtomicReference<String> allocationId = new AtomicReference<>();
    /**
     * Set when SIGTERM has drained the allocation: from then on the service is stopping, so an allocation the
     * registry no longer knows (released by an operator, or its drain time over) is not taken again.
     */
    private final AtomicBoolean stopping = new AtomicBoolean();

    @Override
    protected int run(SirsiNexusClient registry) {
        // every option and everything asked of the registry before the port is allocated: a refusal then leaves
        // nothing behind
        Optional<Duration> delay = drainDelay();
        allocation.check(spec, name, type);
        Duration interval = heartbeatInterval(registry);
        // its child's listener keeps it alive where a host agent reports; it heartbeats still, which counts until
        // the agent has seen the child listen (and wherever no agent reports)
        allocation.livenessByDefault("listener");
        Allocation granted = allocateFreeHere(registry);
        int port = granted.port();
        ForwardedSignals signals;
        try {
            err().printf("sirsi-nexus: port %d allocated to %s%s (allocation %s); heartbeat every %ds%n", port, name,
                    granted.host() == null ? "" : " on " + granted.host(), allocationId.get(), interval.toSeconds());
            // before the child starts: a SIGTERM between its start and a later handler would end this process with
            // 143 at once, leaving the child orphaned and its port held until it expired (a Ctrl-C while allocating
            // still ends exec at once, as the handlers are not there yet)
            signals = ForwardedSignals.install(delay, () -> drain(registry, delay.orElseThrow()));
        } catch (RuntimeException e) {
            release(registry); // whatever fails once the port is allocated gives it back
            throw e;
        }
        Optional<String> early = signals.received();
        if (early.isPresent()) { // stopped before the command ran: it never will
            release(registry);
            return ForwardedSignals.exitCode(early.get());
        }
        Process child;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            Map<String, String> environment = builder.environment();
            environment.put("PORT", Integer.toString(port));
            environment.put("SIRSI_NEXUS_PORT", Integer.toString(port));
            environment.put("SIRSI_NEXUS_ALLOCATION_ID", allocationId.get());
            child = builder.start();
        } catch (IOException e) {
            release(registry);
            throw new CliException(ExitCode.CANNOT_RUN, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        signals.forwardTo(child);
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeats.scheduleWithFixedDelay(() -> heartbeat(registry, port), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroy();
            return ExitCode.FAILED.code();
        } finally {
            heartbeats.shutdownNow();
            release(registry);
        }
    }

    /**
     * Allocates a port that this machine lets the command listen on. The registry's own bind probe sees only its
     * machine, and only for its own host; exec runs on the service's host, so it binds the granted port here, and
     * a port another process holds is asked past with {@code avoid_ports}, at most {@link #MAX_TRIES} times.
     */
    private Allocation allocateFreeHere(SirsiNexusClient registry) {
        List<Integer> taken = new ArrayList<>();
        while (true) {
            Long processId = allocation.processIdFor(ProcessHandle.current().pid());
            Allocation granted = allocate(registry, allocation.request(spec, name, type, processId, taken));
            Optional<String> unusable = whyNotBindable(granted.port(), "udp".equals(granted.protocol()));
            if (unusable.isEmpty()) {
                return granted;
            }
            if (taken.contains(granted.port())) {
                release(registry);
                throw new CliException(ExitCode.FAILED, "the registry granted port " + granted.port() + " again,"
                        + " although asked to avoid it");
            }
            taken.add(granted.port());
            if (allocation.required()) {
                release(registry);
                throw new CliException(ExitCode.CONFLICT, "port " + granted.port() + " " + unusable.get()
                        + ", and --required keeps exec from taking another");
            }
            if (taken.size() == MAX_TRIES) {
                release(registry);
                throw new CliException(ExitCode.CONFLICT, "ports " + taken.stream().map(String::valueOf)
                        .collect(Collectors.joining(", ")) + " are all taken on this host; gave up"
                        + " after " + MAX_TRIES + " tries (free one, or name a free one with --preferred-port)");
            }
            err().printf("sirsi-nexus: port %d %s; asking the registry for another%n", granted.port(),
                    unusable.get());
        }
    }

    /**
     * Why this machine will not let a server listen on the port (a plain bind on the wildcard address, of a UDP socket
     * for a udp service), or none.
     */
    static Optional<String> whyNotBindable(int port, boolean udp) {
        try (Closeable socket = udp ? new DatagramSocket(port) : new ServerSocket(port)) {
            return Optional.empty();
        } catch (IOException e) {
            boolean inUse = e instanceof BindException && String.valueOf(e.getMessage()).startsWith("Address already");
            return Optional.of(inUse ? "is in use on this host by another process"
                    : "cannot be bound on this host: " + e.getMessage());
        }
    }

    private Allocation allocate(SirsiNexusClient registry, AllocationRequest request) {
        Allocation allocated = registry.allocate(request);
        allocationId.set(allocated.allocationId().toString());
        return allocated;
    }

    /** A heartbeat; when the registry has forgotten the allocation, allocate again, asking for the same port. */
    private void heartbeat(SirsiNexusClient registry, int port) {
        try {
            registry.heartbeat(UUID.fromString(allocationId.get()));
        } catch (RegistryException failure) {
            CliException e = session().failure(failure);
            if (e.exitCode() != ExitCode.NOT_FOUND) {
                err().println("sirsi-nexus: heartbeat failed, will retry: " + e.getMessage());
                return;
            }
            if (stopping.get()) {
                return; // released while it drains: allocating again would offer a stopping service anew
            }
            try {
                int regained = allocate(registry,
                        allocation.again(name, type, allocation.processIdFor(ProcessHandle.current().pid()), port))
                        .port();
                err().printf("sirsi-nexus: the registry had forgotten %s; allocated again: port %d%s%n", name,
                        regained, regained == port ? "" : " (NOT the port the command uses: " + port + ")");
            } catch (RegistryException again) {
                err().println("sirsi-nexus: cannot allocate " + name + " again, will retry: "
                        + session().failure(again).getMessage());
            }
        }
    }

    /** --drain-delay, checked before anything is allocated. */
    private Optional<Duration> drainDelay() {
        if (drainDelay == null) {
            return Optional.empty();
        }
        return Optional.of(Arguments.duration("--drain-delay", drainDelay, Durations.UNITS, LONGEST_DRAIN_DELAY));
    }

    /** SIGTERM came with --drain-delay: the registry stops offering the service before COMMAND hears of it. */
    private void drain(SirsiNexusClient registry, Duration delay) {
        stopping.set(true);
        try {
            registry.drain(UUID.fromString(allocationId.get()), delay.plus(DRAIN_MARGIN),
                    "ports exec: SIGTERM, passed on after " + drainDelay);
            err().printf("sirsi-nexus: SIGTERM: allocation %s is draining (no longer offered); passing SIGTERM on"
                    + " to the command in %s%n", allocationId.get(), drainDelay);
        } catch (RegistryException e) {
            err().printf("sirsi-nexus: could not drain allocation %s (%s); passing SIGTERM on in %s all the same%n",
                    allocationId.get(), session().failure(e).getMessage(), drainDelay);
        }
        err().flush();
    }

    private void release(SirsiNexusClient registry) {
        try {
            registry.release(UUID.fromString(allocationId.get()));
        } catch (RegistryException e) {
            err().println("sirsi-nexus: could not release allocation " + allocationId.get() + ": "
                    + session().failure(e).getMessage());
        }
    }

    /** --heartbeat-interval, else a third of the registry's timeout: asked before anything is allocated. */
    private Duration heartbeatInterval(SirsiNexusClient registry) {
        if (heartbeatSeconds != null) {
            if (heartbeatSeconds < 1) {
                throw new ParameterException(spec.commandLine(), "invalid --heartbeat-interval '" + heartbeatSeconds
                        + "': expected at least 1 (seconds)");
            }
            return Duration.ofSeconds(heartbeatSeconds);
        }
        long timeout = registry.health().heartbeatTimeoutSeconds();
        return Duration.ofSeconds(Math.max(1, (timeout > 0 ? timeout : 30) / 3));
    }

    /**
     * SIGINT and SIGTERM, caught from exec's start: once the child runs they go to it, and exec waits for it to exit,
     * then releases the port; one that comes before is remembered, so that exec releases the port and never starts
     * the command, or passes it on as soon as the command started.
     */
    static final class ForwardedSignals {

        private final Optional<Duration> drainDelay;
        private final Runnable drain;
        /** Counted down by a second signal while a SIGTERM waits out the drain delay: it goes on at once. */
        private final CountDownLatch hurry = new CountDownLatch(1);
        private Process child;
        private String received;
        private boolean draining;

        private ForwardedSignals(Optional<Duration> drainDelay, Runnable drain) {
            this.drainDelay = drainDelay;
            this.drain = drain;
        }

        /** With a drain delay, a SIGTERM to the running command first runs {@code drain}, then waits the delay. */
        static ForwardedSignals install(Optional<Duration> drainDelay, Runnable drain) {
            ForwardedSignals signals = new ForwardedSignals(drainDelay, drain);
            for (String name : new String[] {"INT", "TERM"}) {
                Signal.handle(new Signal(name), signal -> signals.arrived(name));
            }
            return signals;
        }

        /** The shell's exit code for a process ended by the signal: 128 plus its number. */
        static int exitCode(String signal) {
            return 128 + ("INT".equals(signal) ? 2 : 15);
        }

        synchronized Optional<String> received() {
            return Optional.ofNullable(received);
        }

        void forwardTo(Process started) {
            String pending;
            synchronized (this) {
                child = started;
                pending = received;
            }
            if (pending != null) { // came while the command was starting
                deliver(started, pending);
            }
        }

        private void arrived(String name) {
            Process target;
            synchronized (this) {
                if (draining) {
                    hurry.countDown();
                    return;
                }
                received = name;
                target = child;
            }
            if (target != null) {
                deliver(target, name);
            }
        }

        /** Passes the signal on; with a drain delay, a SIGTERM drains first, then waits the delay. */
        private void deliver(Process target, String name) {
            boolean drainFirst = drainDelay.isPresent() && "TERM".equals(name);
            synchronized (this) {
                if (draining) {
                    hurry.countDown();
                    return;
                }
                draining = drainFirst;
            }
            if (drainFirst) { // not on the signal's own thread: the drain is a request, the delay a wait
                Thread drainer = new Thread(() -> drainThenForward(target), "drain");
                drainer.setDaemon(true);
                drainer.start();
            } else {
                signal(target, name);
            }
        }

        private void drainThenForward(Process target) {
            drain.run();
            try {
                hurry.await(drainDelay.orElseThrow().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            signal(target, "TERM");
        }

        private static void signal(Process child, String signal) {
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor();
            } catch (IOException e) {
                child.destroy(); // SIGTERM
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
