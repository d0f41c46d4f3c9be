package io.sirsi.nexus.agent;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses the agent reports as its host's when {@code --address} names none, primary first: those of the
 * interfaces a default route goes through (IPv4 or IPv6), then those of the other interfaces that are up and not
 * virtual. A virtual interface ({@code /sys/class/net/NAME} under {@code devices/virtual}: a container bridge such
 * as docker0 or cni0, veth pairs, overlay and VPN tunnels, kube-ipvs0) has addresses other machines do not reach,
 * so it is left out unless a default route goes through it (a bridge that carries the host's own link, br0). Only
 * when that leaves nothing (no default route and no physical interface: a bare network namespace) are all the up
 * interfaces' addresses reported. IPv4 before IPv6 within an interface; interfaces in their kernel index order.
 */
final class InterfaceAddresses {

    /** {@code RTF_UP} and {@code RTF_REJECT} in include/uapi/linux/route.h and ipv6_route.h. */
    private static final int RTF_UP = 0x0001;
    private static final int RTF_REJECT = 0x0200;

    /** An interface as the agent sees it: its kernel index, whether it is up, loopback, virtual; its addresses. */
    record Interface(String name, int index, boolean up, boolean loopback, boolean virtual, List<String> ipv4,
            List<String> ipv6) {
    }

    private InterfaceAddresses() {
    }

    /** This machine's addresses, chosen as the class says; {@code net} is the routes' directory (/proc/net). */
    static List<String> of(Path net, Path sysClassNet) {
        return chosen(interfaces(sysClassNet), defaultRouteInterfaces(net));
    }

    /** The choice, from what was read. */
    static List<String> chosen(List<Interface> interfaces, Set<String> routed) {
        List<Interface> ordered = new ArrayList<>(interfaces);
        ordered.removeIf(network -> !network.up() || network.loopback());
        ordered.sort(Comparator.comparingInt(Interface::index));
        Set<String> addresses = new LinkedHashSet<>();
        ordered.stream().filter(network -> routed.contains(network.name())).forEach(network -> addAll(network,
                addresses));
        ordered.stream().filter(network -> !network.virtual()).forEach(network -> addAll(network, addresses));
        if (addresses.isEmpty()) {
            ordered.forEach(network -> addAll(network, addresses));
        }
        return List.copyOf(addresses);
    }

    private static void addAll(Interface network, Set<String> into) {
        into.addAll(network.ipv4());
        into.addAll(network.ipv6());
    }

    /**
     * The interfaces that carry a usable default route: {@code route} lines with destination and mask 0, and
     * {@code ipv6_route} lines for {@code ::/0}, up and not a reject route. Empty when the tables cannot be read.
     */
    static Set<String> defaultRouteInterfaces(Path net) {
        Set<String> routed = new HashSet<>();
        for (String line : lines(net.resolve("route"))) {
            // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 8 && "00000000".equals(fields[1]) && "00000000".equals(fields[7])
                    && usable(fields[3])) {
                routed.add(fields[0]);
            }
        }
        for (String line : lines(net.resolve("ipv6_route"))) {
            // destination prefix-length source prefix-length next-hop metric refcount use flags interface
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 10 && "0".repeat(32).equals(fields[0]) && "00".equals(fields[1])
                    && usable(fields[8]) && !"lo".equals(fields[9])) {
                routed.add(fields[9]);
            }
        }
        return routed;
    }

    private static boolean usable(String hexFlags) {
        try {
            int flags = Integer.parseInt(hexFlags, 16);
            return (flags & RTF_UP) != 0 && (flags & RTF_REJECT) == 0;
        } catch (NumberFormatException header) {
            return false;
        }
    }

    private static List<String> lines(Path file) {
        try {
            return ProcFiles.read(file).lines().toList();
        } catch (IOException absentOrUnreadable) {
            return List.of(); // no default route known: the physical interfaces alone
        }
    }

    private static List<Interface> interfaces(Path sysClassNet) {
        List<Interface> interfaces = new ArrayList<>();
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                List<String> ipv4 = new ArrayList<>();
                List<String> ipv6 = new ArrayList<>();
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    String text = address.getHostAddress();
                    int zone = text.indexOf('%');
                    (address instanceof Inet4Address ? ipv4 : ipv6).add(zone < 0 ? text : text.substring(0, zone));
                }
                interfaces.add(new Interface(network.getName(), network.getIndex(), network.isUp(),
                        network.isLoopback(), virtual(sysClassNet, network.getName()), ipv4, ipv6));
            }
        } catch (SocketException unreadable) {
            // the addresses are informative; a report without them is still a report
        }
        return interfaces;
    }

    /** Whether the kernel made the interface itself rather than for a device; false when /sys cannot tell. */
    private static boolean virtual(Path sysClassNet, String name) {
        try {
            return Files.readSymbolicLink(sysClassNet.resolve(name)).toString().contains("/virtual/");
        } catch (IOException | UnsupportedOperationException | SecurityException unknown) {
            return false;
        }
    }
}
