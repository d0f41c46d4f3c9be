package io.sirsi.nexus.cli;

import io.sirsi.nexus.registry.Durations;
import io.sirsi.nexus.registry.Hosts;
import io.sirsi.nexus.registry.PortRange;
import io.sirsi.nexus.registry.Protocol;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.wire.AllocationIds;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Values from the command line checked here by the registry's own rules, before anything is sent: a wrong one is a
 * usage error (exit 2, with the pointer to --help) that names its option and shows the value as written, and the
 * registry is never asked. What
 * only the registry can judge (a type or host it is not configured for, a port that is taken) stays its answer.
 */
final class Arguments {

    private Arguments() {
    }

    /** A service name (NAME, --service), by the registry's rule: an empty or dot-segment one never forms a URL. */
    static String serviceName(String label, String name) {
        if (name != null && !ServiceNames.isValid(name)) {
            throw refused(label, name, ServiceNames.RULE);
        }
        return name;
    }

    /** A protocol (--protocol): tcp or udp. */
    static String protocol(String label, String protocol) {
        if (protocol != null && Protocol.fromWireName(protocol).isEmpty()) {
            throw refused(label, protocol, "tcp or udp");
        }
        return protocol;
    }

    /** A service type's name (TYPE, --type); whether the registry has that type is the registry's to say. */
    static String serviceType(String label, String type) {
        if (type != null && !ServiceType.isValidName(type)) {
            throw refused(label, type, ServiceType.RULE);
        }
        return type;
    }

    /** A host (HOST, --host); whether the registry accepts that host is the registry's to say. */
    static String host(String label, String host) {
        if (host != null && Hosts.normalize(host).isEmpty()) {
            throw refused(label, host, Hosts.RULE);
        }
        return host;
    }

    /** A port number (PORT, --port, --preferred-port, --avoid-ports). */
    static Integer port(String label, Integer port) {
        if (port != null && !PortRange.isValidPort(port)) {
            throw refused(label, port.toString(), "expected a port, 1-65535");
        }
        return port;
    }

    /** An allocation id: a malformed one would reach no allocation. */
    static UUID allocationId(String text) {
        if (!AllocationIds.isCanonical(text)) {
            throw refused("ALLOCATION_ID", text, "expected a UUID, e.g. 3f2b8c1e-9d4a-4e6b-8f0a-1c2d3e4f5a6b");
        }
        return UUID.fromString(text);
    }

    /** A duration (--for, --since): more than zero, in any of {@link Durations#UNITS}. */
    static Duration duration(String label, String text) {
        return duration(label, text, Durations.UNITS, null);
    }

    /**
     * A duration in one of these units, more than zero and at most {@code longest} (null: the registry's bound), which
     * the message states as people write it.
     */
    static Duration duration(String label, String text, List<String> units, Duration longest) {
        Optional<Duration> duration = text == null ? Optional.empty() : Durations.parse(text, units);
        if (duration.isEmpty()) {
            throw new CliException(ExitCode.USAGE, Durations.refusal(label, shown(text))
                    + (units.equals(Durations.UNITS) ? "" : "; here in " + String.join(", ", units)));
        }
        if (duration.get().isZero() || longest != null && duration.get().compareTo(longest) > 0) {
            throw refused(label, text, "expected more than 0s" + (longest == null ? ""
                    : " and at most " + written(longest)));
        }
        return duration.get();
    }

    /** A number from {@code least} to {@code most} (--limit). */
    static int between(String label, int value, int least, int most) {
        if (value < least || value > most) {
            throw refused(label, Integer.toString(value), "expected " + least + " to " + most);
        }
        return value;
    }

    /** A duration as people write it: {@code 30d}, {@code 1h}, {@code 90s}. */
    static String written(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        return seconds % 86_400 == 0 ? seconds / 86_400 + "d" : seconds % 3_600 == 0 ? seconds / 3_600 + "h"
                : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    private static CliException refused(String label, String value, String expected) {
        return new CliException(ExitCode.USAGE, "invalid " + label + " '" + shown(value) + "': "
                + expected);
    }

    /**
     * A value as the message shows it: at most 64 characters, and control characters escaped, so that a refusal
     * stays one line whatever was given.
     */
    static String shown(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < value.length() && shown.length() < 64; i++) {
            char c = value.charAt(i);
            shown.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return value.length() > 64 ? shown + "…" : shown.toString();
    }
}
