package io.sirsi.nexus.agent;

import io.sirsi.nexus.wire.HostReport.PortSpan;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The host kernel's port settings: the ephemeral range and the ports it keeps out of it. */
final class KernelPorts {

    private KernelPorts() {
    }

    /** {@code net.ipv4.ip_local_port_range}: two numbers, e.g. {@code 32768\t60999}. */
    static Optional<PortSpan> ephemeralRange(Path procRoot) throws IOException {
        Optional<String> text = sysctl(procRoot, "ip_local_port_range");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] bounds = text.get().strip().split("\\s+");
        return bounds.length == 2
                ? Optional.of(new PortSpan(Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])))
                : Optional.empty();
    }

    /** {@code net.ipv4.ip_local_reserved_ports}: e.g. {@code 8080,9000-9010}, empty when none. */
    static List<PortSpan> reservedPorts(Path procRoot) throws IOException {
        List<PortSpan> spans = new ArrayList<>();
        for (String part : sysctl(procRoot, "ip_local_reserved_ports").orElse("").strip().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            int first = Integer.parseInt((dash < 0 ? part : part.substring(0, dash)).strip());
            spans.add(new PortSpan(first, dash < 0 ? first : Integer.parseInt(part.substring(dash + 1).strip())));
        }
        return spans;
    }

    private static Optional<String> sysctl(Path procRoot, String name) throws IOException {
        try {
            return Optional.of(ProcFiles.read(procRoot.resolve("sys/net/ipv4").resolve(name)));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
    }
}
