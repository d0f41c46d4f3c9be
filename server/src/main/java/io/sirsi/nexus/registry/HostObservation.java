package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One host's picture as its agent reported it: the sockets bound there and the kernel's port settings. Checked
 * whole on construction ({@link #checked}), so that a report with one bad entry changes nothing.
 */
public record HostObservation(String agentVersion, Instant scannedAt, List<Listener> listeners,
        Optional<PortRange> ephemeralRange, List<PortRange> reservedPorts, List<String> addresses,
        List<CheckResult> checks) {

    /** One run of an allocation's check, as the agent reported it. */
    public record CheckResult(UUID allocationId, HealthCheck.Status status, String output, Instant ranAt) {
    }

    /** The most listeners one report may hold; more is a malformed report, not a busy host. */
    public static final int MAX_LISTENERS = 20_000;
    /** The most addresses and reserved-port spans one report may hold. */
    public static final int MAX_ENTRIES = 1_024;
    private static final int MAX_TEXT = 255;

    /** A socket bound on the host and its owner, when the agent could see it. */
    public record Listener(String protocol, String address, int port, Optional<Long> pid,
            Optional<String> process) {
    }

    /** The report, or a 400 naming the first entry that is not valid; nothing of it is kept then. */
    public static HostObservation checked(String agentVersion, Instant scannedAt, List<Listener> listeners,
            Optional<PortRange> ephemeralRange, List<PortRange> reservedPorts, List<String> addresses,
            List<CheckResult> checks) {
        text("agent_version", agentVersion);
        if (scannedAt == null) {
            throw new InvalidRequestException("scanned_at is required: when the agent scanned, e.g."
                    + " 2026-12-05T01:00:00Z");
        }
        List<Listener> given = listeners == null ? List.of() : listeners;
        if (given.size() > MAX_LISTENERS) {
            throw new InvalidRequestException("a report holds at most " + MAX_LISTENERS + " listeners; this one has "
                    + given.size());
        }
        for (int i = 0; i < given.size(); i++) {
            check(i, given.get(i));
        }
        List<PortRange> reserved = reservedPorts == null ? List.of() : reservedPorts;
        List<String> own = addresses == null ? List.of() : addresses;
        if (reserved.size() > MAX_ENTRIES || own.size() > MAX_ENTRIES) {
            throw new InvalidRequestException("a report holds at most " + MAX_ENTRIES + " reserved port spans and "
                    + MAX_ENTRIES + " addresses");
        }
        own.forEach(address -> text("addresses[]", address));
        List<CheckResult> results = checks == null ? List.of() : checks;
        if (results.size() > MAX_LISTENERS) {
            throw new InvalidRequestException("a report holds at most " + MAX_LISTENERS + " check results");
        }
        for (int i = 0; i < results.size(); i++) {
            check(i, results.get(i));
        }
        return new HostObservation(agentVersion, scannedAt, List.copyOf(given), ephemeralRange, List.copyOf(reserved),
                List.copyOf(own), List.copyOf(results));
    }

    private static void check(int index, CheckResult result) {
        String where = "checks[" + index + "]";
        if (result == null || result.allocationId() == null || result.status() == null || result.ranAt() == null) {
            throw new InvalidRequestException(where + " needs allocation_id, status (passing, warning or critical)"
                    + " and ran_at");
        }
        if (result.status() == HealthCheck.Status.PENDING) {
            throw new InvalidRequestException(where + ".status must be passing, warning or critical");
        }
        if (result.output() != null && result.output().length() > HealthCheck.MAX_OUTPUT) {
            throw new InvalidRequestException(where + ".output holds at most " + HealthCheck.MAX_OUTPUT
                    + " characters");
        }
    }

    private static void check(int index, Listener listener) {
        String where = "listeners[" + index + "]";
        if (listener == null) {
            throw new InvalidRequestException(where + " is null; expected a listener object");
        }
        // the protocols an allocation has: HostAgents reads each listener's as one
        if (Protocol.fromWireName(listener.protocol()).isEmpty()) {
            throw new InvalidRequestException(where + ".protocol must be tcp or udp, not '"
                    + InvalidRequestException.shown(String.valueOf(listener.protocol())) + "'");
        }
        if (!PortRange.isValidPort(listener.port())) {
            throw new InvalidRequestException(where + ".port " + listener.port() + " is not a port: expected 1 to "
                    + PortRange.MAX_PORT);
        }
        if (listener.pid().isPresent() && listener.pid().get() < 1) {
            throw new InvalidRequestException(where + ".pid " + listener.pid().get() + " is not a process id");
        }
        text(where + ".address", listener.address());
        listener.process().ifPresent(process -> text(where + ".process", process));
    }

    private static void text(String field, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_TEXT) {
            throw new InvalidRequestException(field + " must be text of 1 to " + MAX_TEXT + " characters");
        }
    }
}
