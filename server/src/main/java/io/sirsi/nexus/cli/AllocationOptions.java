package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.AllocationRequest;
import io.sirsi.nexus.registry.HealthCheck;
import io.sirsi.nexus.registry.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What a command asks of the allocation: {@code allocate} and {@code exec} share these options. */
public class AllocationOptions {

    @Option(names = "--preferred-port", paramLabel = "PORT", description = "Port wanted; granted when free.")
    Integer preferredPort;

    @Option(names = "--required", description = "Fail (exit 4) rather than take another port.")
    boolean required;

    @Mixin
    HostOption host;

    @Mixin
    StrategyOption strategy;

    @Option(names = "--avoid-ports", paramLabel = "PORT", split = ",", description = "Ports not to be granted, e.g."
            + " 8080,8081 (held on the service's host by processes the registry does not know).")
    List<Integer> avoidPorts = List.of();

    @Option(names = "--liveness", paramLabel = "KIND", description = "What keeps the allocation alive: heartbeat, or"
            + " listener (its listening socket, as the host's agent sees it). Default: heartbeat for allocate,"
            + " listener for exec.")
    String liveness;

    @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "What the service receives on: tcp (the"
            + " default) or udp (a bound UDP socket is then its listener, DNS offers it as _udp, and it takes no"
            + " --check).")
    String protocol;

    @Option(names = "--check", paramLabel = "CHECK", description = "A check the host's agent runs on the service:"
            + " tcp (a connect to its port) or http:PATH (a GET of PATH, 2xx passes), e.g. http:/health. A critical"
            + " check keeps the instance out of discovery until it passes again.")
    String check;

    @Option(names = "--check-interval", paramLabel = "DURATION", description = "How often the check runs: 1s to 10m"
            + " (default 10s).")
    String checkInterval;

    @Option(names = "--check-timeout", paramLabel = "DURATION", description = "How long one run may take: 100ms to"
            + " 60s, at most the interval (default 2s).")
    String checkTimeout;

    /** The allocate request; {@code required} only goes with a preferred port, which it is about. */
    AllocationRequest request(CommandSpec spec, String name, String type, Long processId) {
        return request(spec, name, type, processId, Set.of());
    }

    /** The allocate request, avoiding {@code refused} (ports found taken on this host) as well as the options'. */
    AllocationRequest request(CommandSpec spec, String name, String type, Long processId,
            Collection<Integer> refused) {
        check(spec, name, type);
        Set<Integer> avoid = new LinkedHashSet<>(avoidPorts);
        avoid.addAll(refused);
        AllocationRequest request = common(name, type, processId);
        if (preferredPort != null) {
            request = request.withPreferredPort(preferredPort).withRequired(required);
        }
        return avoid.isEmpty() ? request : request.withAvoidPorts(new ArrayList<>(avoid));
    }

    /**
     * Checks the service and these options by the registry's rules, before anything is asked of it: a wrong one is a
     * usage error, and nothing is allocated.
     */
    void check(CommandSpec spec, String name, String type) {
        Arguments.serviceName("NAME", name);
        Arguments.serviceType("TYPE", type);
        Arguments.port("--preferred-port", preferredPort);
        for (Integer port : avoidPorts) {
            Arguments.port("--avoid-ports", port);
        }
        if (required && preferredPort == null) {
            throw new ParameterException(spec.commandLine(), "--required needs --preferred-port");
        }
        Arguments.protocol("--protocol", protocol);
        if ("udp".equals(protocol) && check != null) {
            throw new ParameterException(spec.commandLine(), "--check needs a tcp service: tcp and http checks"
                    + " connect over TCP, which a udp service does not answer");
        }
        validateCheck(spec);
    }

    /**
     * Checks the check the options ask for here, by the registry's own rules (so that a wrong one is a usage error,
     * named by its option, before anything is allocated); the registry checks it again.
     */
    private void validateCheck(CommandSpec spec) {
        if (check == null) {
            if (checkInterval != null || checkTimeout != null) {
                throw new ParameterException(spec.commandLine(), (checkInterval != null ? "--check-interval"
                        : "--check-timeout") + " needs --check");
            }
            return;
        }
        String kind = checkKind();
        String path = checkPath();
        if (!kind.equals("tcp") && !kind.equals("http") || kind.equals("tcp") && path != null
                || kind.equals("http") && (path == null || path.isEmpty())) {
            throw new ParameterException(spec.commandLine(), "--check must be tcp or http:PATH, such as"
                    + " http:/health; got '" + check + "'");
        }
        try {
            HealthCheck.requested(kind, path, checkInterval, checkTimeout);
        } catch (InvalidRequestException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().replace("check.path", "--check's PATH")
                    .replace("check.interval", "--check-interval").replace("check.timeout", "--check-timeout"));
        }
    }

    /** {@code --check}'s kind: {@code tcp} or {@code http}, before the colon. */
    private String checkKind() {
        int colon = check.indexOf(':');
        return colon < 0 ? check : check.substring(0, colon);
    }

    /** {@code --check}'s PATH, after the colon; null without one. */
    private String checkPath() {
        int colon = check.indexOf(':');
        return colon < 0 ? null : check.substring(colon + 1);
    }

    /** The liveness to ask for when the command line names none. */
    void livenessByDefault(String kind) {
        if (liveness == null) {
            liveness = kind;
        }
    }

    /**
     * The process id to send: none when the listener keeps the allocation alive, since the listener is the command's
     * child, not this process, and the host's agent fills it in from the listener.
     */
    Long processIdFor(long self) {
        return "listener".equals(liveness) ? null : self;
    }

    /** Whether the preferred port is the only one to take. */
    boolean required() {
        return required;
    }

    /** The host asked for, if any ({@code --host} or {@code $SIRSI_NEXUS_HOST}). */
    Optional<String> host() {
        return host.host();
    }

    /** The request that asks for {@code port} again, on the same host, when the registry has forgotten it. */
    AllocationRequest again(String name, String type, Long processId, int port) {
        return common(name, type, processId).withPreferredPort(port).withRequired(false);
    }

    /** The service, its process and the host and strategy asked for. */
    private AllocationRequest common(String name, String type, Long processId) {
        AllocationRequest request = AllocationRequest.of(name, type);
        if (processId != null) {
            request = request.withProcessId(processId);
        }
        if (host.given() || host.host().isPresent()) {
            request = request.withHost(host.name());
        }
        if (liveness != null) {
            request = request.withLiveness(liveness);
        }
        if (protocol != null) {
            request = request.withProtocol(protocol);
        }
        if (check != null) { // checked by validateCheck when the first request was made
            request = request.withCheck(new AllocationRequest.Check(checkKind(), checkPath(), checkInterval,
                    checkTimeout));
        }
        return strategy.strategy == null ? request : request.withStrategy(strategy.strategy);
    }
}
