package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import org.jboss.logging.Logger;

/**
 * What the hosts' agents see, reconciled with the allocations: the ports something listens on per host (never
 * granted there, as the bind probe does on the registry's own machine), the listeners no allocation holds, the
 * Active allocations whose port has gone silent, the listener's PID of each allocation, and each agent's last word,
 * which is its host's heartbeat.
 *
 * <p>Held in memory, not stored: a report is a full snapshot, so the next one (an interval later) rebuilds all of it
 * after a restart, and no allocation is changed by a report except through the configured not-listening action.
 * One rule for concurrency: each host's state is replaced whole under that host's monitor; readers see one report's
 * state or the next's, never a mix.
 */
public final class HostAgents {

    private static final Logger LOG = Logger.getLogger(HostAgents.class);

    private final RegistryConfig.Agents config;
    private final Map<ServiceType, PortRange> ranges;
    private final InstantSource clock;
    private final Map<String, HostState> hosts = new ConcurrentHashMap<>();
    private final Map<String, Object> monitors = new ConcurrentHashMap<>();

    /**
     * A host as its agent last reported it. {@code held}: the ports any socket is bound to there, TCP or UDP.
     * {@code heard}: the allocations kept alive by their listener that the agent has seen listen, in this report or
     * an earlier one; from then on their listener alone decides.
     */
    private record HostState(Instant receivedAt, HostObservation observation, BitSet held,
            List<HostObservation.Listener> unregistered, Map<UUID, Integer> misses, Map<UUID, Long> owners,
            Set<UUID> heard, Map<UUID, CheckRuns> checks) {
    }

    /**
     * An allocation's check as its agent's results have gone: the last run's output, since when its status holds,
     * the runs in a row that passed or failed (the hysteresis), and the last run counted.
     */
    private record CheckRuns(String output, Instant since, int passes, int failures, Instant ranAt) {
    }

    /** A check's status has changed: the allocation is to be logged with its new status. */
    public record CheckChange(UUID allocationId, HealthCheck.Status status) {
    }

    /** The ports a report found sockets of one protocol listening on, and the first owner seen of each. */
    private record Listeners(BitSet ports, Map<Integer, Long> pids) {
    }

    /** An agent as the registry last heard it. */
    public record AgentStatus(boolean dark, Instant lastReport, String agentVersion, Instant scannedAt) {
    }

    /** The registry's reading of a host: its agent, unregistered listeners, not-listening allocations. */
    public record HostView(AgentStatus agent, List<HostObservation.Listener> unregistered, Set<UUID> notListening,
            HostObservation observation) {
    }

    /**
     * What a report changed: counts for its answer, and the allocations that have just stopped listening or
     * listen again after they had stopped (both edges, for the change log).
     */
    public record Reconciled(int listeners, int unregistered, int notListening, List<Allocation> stoppedListening,
            List<Allocation> listeningAgain, LivenessByListener liveness, List<CheckChange> checkChanges) {
    }

    /**
     * What a report means for the allocations kept alive by their listener: those it saw listen (each counts as a
     * heartbeat), and those whose listener the agent had seen and has now missed {@code not-listening-after} times
     * in a row (each expires now).
     */
    public record LivenessByListener(List<UUID> heard, List<UUID> lost) {
    }

    /** What the agent says of one allocation: whether it listens, and who holds its port. */
    public record Listening(boolean listening, Optional<Long> listenerPid, boolean heldByAnotherProcess,
            Optional<String> checkOutput, Optional<Instant> checkSince) {
    }

    HostAgents(RegistryConfig.Agents config, Map<ServiceType, PortRange> ranges, InstantSource clock) {
        if (config.checkFailuresBeforeCritical() < 1 || config.checkPassesBeforePassing() < 1) {
            throw new IllegalArgumentException("sirsi.ports.agents.check-failures-before-critical and"
                    + " check-passes-before-passing must be at least 1");
        }
        if (config.notListeningAfter() < 1) {
            throw new IllegalArgumentException("sirsi.ports.agents.not-listening-after must be at least 1, got "
                    + config.notListeningAfter());
        }
        this.config = config;
        this.ranges = ranges;
        this.clock = clock;
    }

    /**
     * Whether a socket on the host, TCP or UDP, is bound to the port, as its agent last saw it: the port is not granted
     * there.
     */
    IntPredicate listenedOn(String host) {
        return port -> {
            HostState state = hosts.get(host);
            return state != null && state.held().get(port);
        };
    }

    /**
     * Takes a host's report and reconciles it with the host's allocations: listeners in a managed range that no
     * allocation holds are unregistered; an Active allocation whose port had no listener for
     * {@code not-listening-after} reports in a row is not listening.
     */
    Reconciled report(String host, HostObservation observation, Collection<Allocation> allocations) {
        Map<Integer, Allocation> byPort = new HashMap<>();
        allocations.forEach(allocation -> byPort.put(allocation.port(), allocation));
        BitSet held = new BitSet(PortRange.MAX_PORT + 1);
        // what listens for an allocation is a socket of its protocol on its port: a TCP socket in LISTEN, or a bound
        // UDP one; a socket of the other protocol does not make it listening (nor name its process), though it
        // still keeps the port from being granted on the host
        Map<Protocol, Listeners> listening = new EnumMap<>(Protocol.class);
        for (Protocol protocol : Protocol.values()) {
            listening.put(protocol, new Listeners(new BitSet(PortRange.MAX_PORT + 1), new HashMap<>()));
        }
        List<HostObservation.Listener> unregistered = new ArrayList<>();
        for (HostObservation.Listener listener : observation.listeners()) {
            held.set(listener.port());
            Listeners of = listening.get(Protocol.parse(listener.protocol()));
            of.ports().set(listener.port());
            listener.pid().ifPresent(pid -> of.pids().putIfAbsent(listener.port(), pid));
            if (!byPort.containsKey(listener.port()) && managed(listener.port())) {
                unregistered.add(listener);
            }
        }
        synchronized (hostMonitor(host)) {
            HostState before = hosts.get(host);
            Map<UUID, Integer> misses = new HashMap<>();
            Map<UUID, Long> owners = new HashMap<>();
            List<Allocation> stopped = new ArrayList<>();
            List<Allocation> again = new ArrayList<>();
            Set<UUID> heard = new HashSet<>();
            List<UUID> alive = new ArrayList<>();
            List<UUID> lost = new ArrayList<>();
            int notListening = 0;
            for (Allocation allocation : allocations) {
                Listeners of = listening.get(allocation.protocol());
                Map<Integer, Long> pids = of.pids();
                boolean listens = of.ports().get(allocation.port()) && ownedAsAsked(allocation, pids);
                if (allocation.keptAliveByListener() && allocation.status() != AllocationStatus.DRAINING
                        && !allocation.reserved()) {
                    if (listens) {
                        heard.add(allocation.allocationId());
                        alive.add(allocation.allocationId());
                    } else if (before != null && before.heard().contains(allocation.allocationId())) {
                        heard.add(allocation.allocationId()); // seen once: still the listener's to decide
                    }
                }
                if (allocation.status() != AllocationStatus.ACTIVE) {
                    continue;
                }
                if (listens) {
                    Optional.ofNullable(pids.get(allocation.port()))
                            .ifPresent(pid -> owners.put(allocation.allocationId(), pid));
                    if (before != null && before.misses().getOrDefault(allocation.allocationId(), 0)
                            >= config.notListeningAfter()) {
                        again.add(allocation);
                    }
                    continue;
                }
                int missed = (before == null ? 0 : before.misses().getOrDefault(allocation.allocationId(), 0)) + 1;
                misses.put(allocation.allocationId(), missed);
                if (missed >= config.notListeningAfter()) {
                    notListening++;
                    if (missed == config.notListeningAfter()) {
                        stopped.add(allocation);
                        if (heard.contains(allocation.allocationId())) {
                            lost.add(allocation.allocationId());
                        }
                    }
                }
            }
            Map<UUID, CheckRuns> checks = new HashMap<>();
            List<CheckChange> checkChanges = checkRuns(before, observation, allocations, checks);
            hosts.put(host, new HostState(clock.instant(), observation, held, List.copyOf(unregistered),
                    Map.copyOf(misses), Map.copyOf(owners), Set.copyOf(heard), Map.copyOf(checks)));
            if (before == null || before.unregistered().size() != unregistered.size()) {
                LOG.infof("Host %s: %d listener(s) in managed ranges that no allocation holds; their ports are not"
                        + " granted there", host, unregistered.size());
            }
            stopped.forEach(allocation -> LOG.warnf("Allocation %s of %s on %s:%d is not listening: no listener in"
                            + " %d reports in a row%s", allocation.allocationId(), allocation.serviceName(), host,
                    allocation.port(), config.notListeningAfter(),
                    config.notListeningAction() == RegistryConfig.NotListeningAction.release ? "; releasing it" : ""));
            return new Reconciled(observation.listeners().size(), unregistered.size(), notListening, stopped, again,
                    new LivenessByListener(alive, lost), checkChanges);
        }
    }

    /**
     * Counts the report's check results into {@code runs} (carrying on the earlier ones' counts) and returns the
     * allocations whose check's status changes: a pass after a failure counts towards passing, and after
     * {@code check-passes-before-passing} in a row it is passing (a first pass at once, from pending); a failure
     * after {@code check-failures-before-critical} in a row is critical; a warning is one at once. A result already
     * counted (the same {@code ran_at}: the check runs less often than the agent reports) is not counted again, and
     * a result for an allocation without a check on this host is ignored.
     */
    private List<CheckChange> checkRuns(HostState before, HostObservation observation,
            Collection<Allocation> allocations, Map<UUID, CheckRuns> runs) {
        Map<UUID, HostObservation.CheckResult> results = new HashMap<>();
        observation.checks().forEach(result -> results.put(result.allocationId(), result));
        List<CheckChange> changes = new ArrayList<>();
        Instant now = clock.instant();
        for (Allocation allocation : allocations) {
            if (allocation.check().isEmpty()) {
                continue;
            }
            HealthCheck.Status status = allocation.check().get().status();
            CheckRuns earlier = before == null ? null : before.checks().get(allocation.allocationId());
            HostObservation.CheckResult result = results.get(allocation.allocationId());
            if (result == null || earlier != null && !result.ranAt().isAfter(earlier.ranAt())) {
                if (earlier != null) {
                    runs.put(allocation.allocationId(), earlier);
                }
                continue;
            }
            boolean passed = result.status() != HealthCheck.Status.CRITICAL;
            int passes = passed ? (earlier == null ? 0 : earlier.passes()) + 1 : 0;
            int failures = passed ? 0 : (earlier == null ? 0 : earlier.failures()) + 1;
            HealthCheck.Status next = switch (result.status()) {
                case WARNING -> HealthCheck.Status.WARNING;
                case PASSING -> status == HealthCheck.Status.PENDING || status == HealthCheck.Status.WARNING
                        || passes >= config.checkPassesBeforePassing() ? HealthCheck.Status.PASSING : status;
                default -> failures >= config.checkFailuresBeforeCritical() ? HealthCheck.Status.CRITICAL : status;
            };
            Instant since = next != status || earlier == null ? now : earlier.since();
            String output = result.output() == null ? "" : result.output();
            runs.put(allocation.allocationId(), new CheckRuns(output, since, passes, failures, result.ranAt()));
            if (next != status) {
                changes.add(new CheckChange(allocation.allocationId(), next));
            }
        }
        return changes;
    }

    /**
     * Whether a listener on the allocation's port counts for it: any listener when it named no process (or the
     * agent could not see the owner), else only its own process's. A heartbeat-kept allocation is not judged so.
     */
    private static boolean ownedAsAsked(Allocation allocation, Map<Integer, Long> pids) {
        if (!allocation.keptAliveByListener() || allocation.processId().isEmpty()) {
            return true;
        }
        Long owner = pids.get(allocation.port());
        return owner == null || owner.equals(allocation.processId().get());
    }

    /**
     * Whether the allocation's listener alone decides its liveness now: it asked for that, its host's agent reports
     * (is not dark) and has seen it listen. Its own heartbeats do not count then.
     */
    boolean listenerDecides(Allocation allocation) {
        if (!allocation.keptAliveByListener()) {
            return false;
        }
        HostState state = hosts.get(allocation.host());
        return state != null && state.heard().contains(allocation.allocationId()) && !status(state).dark();
    }

    /** Whether the allocation listens, as far as the host's agent says; empty when no agent reports for it. */
    public Optional<Listening> listening(Allocation allocation) {
        HostState state = hosts.get(allocation.host());
        if (state == null || allocation.status() != AllocationStatus.ACTIVE) {
            return Optional.empty();
        }
        boolean silent = state.misses().getOrDefault(allocation.allocationId(), 0) >= config.notListeningAfter();
        Optional<Long> pid = Optional.ofNullable(state.owners().get(allocation.allocationId()));
        boolean other = pid.isPresent() && allocation.processId().isPresent()
                && !allocation.processId().get().equals(pid.get());
        Optional<CheckRuns> runs = Optional.ofNullable(state.checks().get(allocation.allocationId()));
        return Optional.of(new Listening(!silent, pid, other, runs.map(CheckRuns::output),
                runs.map(CheckRuns::since)));
    }

    /** The host as its agent last reported it, if one does. */
    public Optional<HostView> host(String host) {
        HostState state = hosts.get(host);
        if (state == null) {
            return Optional.empty();
        }
        Set<UUID> silent = new HashSet<>();
        state.misses().forEach((id, missed) -> {
            if (missed >= config.notListeningAfter()) {
                silent.add(id);
            }
        });
        return Optional.of(new HostView(status(state), state.unregistered(), silent, state.observation()));
    }

    /** Every reporting host's agent, by host. */
    public Map<String, AgentStatus> agents() {
        Map<String, AgentStatus> agents = new TreeMap<>();
        hosts.forEach((host, state) -> agents.put(host, status(state)));
        return agents;
    }

    /** Whether the host's agent has reported before and not within {@code dark-after}. */
    boolean dark(String host) {
        HostState state = hosts.get(host);
        return state != null && status(state).dark();
    }

    /** The dark hosts, sorted. */
    public List<String> darkHosts() {
        return agents().entrySet().stream().filter(agent -> agent.getValue().dark()).map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The host's own kernel settings for a range, when its agent reported them: whether the range shares ports with
     * the host's ephemeral range that the host has not reserved, and the reserved spans within the range.
     */
    public Optional<KernelView> kernel(String host, PortRange range) {
        HostState state = hosts.get(host);
        if (state == null || state.observation().ephemeralRange().isEmpty()) {
            return Optional.empty();
        }
        PortRange ephemeral = state.observation().ephemeralRange().get();
        List<PortRange> reserved = state.observation().reservedPorts().stream()
                .filter(span -> span.first() <= range.last() && range.first() <= span.last())
                .map(span -> new PortRange(Math.max(span.first(), range.first()), Math.min(span.last(), range.last())))
                .toList();
        boolean overlaps = false;
        for (int port = Math.max(range.first(), ephemeral.first()); port <= Math.min(range.last(), ephemeral.last())
                && !overlaps; port++) {
            int candidate = port;
            overlaps = reserved.stream().noneMatch(span -> span.contains(candidate));
        }
        return Optional.of(new KernelView(overlaps, reserved));
    }

    /** A range as the host's kernel sees it. */
    public record KernelView(boolean overlapsEphemeral, List<PortRange> reservedOnHost) {
    }

    /** Unregistered listeners per reporting host, for the meter. */
    public Map<String, Integer> unregisteredCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        hosts.forEach((host, state) -> counts.put(host, state.unregistered().size()));
        return counts;
    }

    private AgentStatus status(HostState state) {
        Duration silence = Duration.between(state.receivedAt(), clock.instant());
        return new AgentStatus(silence.compareTo(config.darkAfter()) > 0, state.receivedAt(),
                state.observation().agentVersion(), state.observation().scannedAt());
    }

    private boolean managed(int port) {
        for (PortRange range : ranges.values()) {
            if (range.contains(port)) {
                return true;
            }
        }
        return false;
    }

    /** One monitor per host name: two reports of one host reconcile one after the other. */
    private Object hostMonitor(String host) {
        return monitors.computeIfAbsent(host, name -> new Object());
    }
}
