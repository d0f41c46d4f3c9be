package io.sirsi.nexus.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of a machine's addresses the agent reports as its host's when no --address is given, and in what order. */
class InterfaceAddressesTest {

    @TempDir
    Path net;

    private static InterfaceAddresses.Interface physical(String name, int index, String... ipv4) {
        return new InterfaceAddresses.Interface(name, index, true, false, false, List.of(ipv4), List.of());
    }

    private static InterfaceAddresses.Interface bridge(String name, int index, String ipv4) {
        return new InterfaceAddresses.Interface(name, index, true, false, true, List.of(ipv4), List.of());
    }

    @Test
    void theDefaultRoutesInterfaceComesFirstAndContainerBridgesAreLeftOut() {
        List<InterfaceAddresses.Interface> machine = new ArrayList<>();
        machine.add(new InterfaceAddresses.Interface("lo", 1, true, true, true, List.of("127.0.0.1"),
                List.of("::1")));
        // sixteen docker networks, listed (by index and by text) before the machine's own address
        IntStream.rangeClosed(17, 32).forEach(i -> machine.add(bridge("br-" + i, i - 15, "172." + i + ".0.1")));
        machine.add(bridge("docker0", 30, "172.33.0.1"));
        machine.add(physical("eth1", 31, "10.8.0.5"));
        machine.add(new InterfaceAddresses.Interface("eth0", 40, true, false, false, List.of("192.168.1.10"),
                List.of("fd00::10")));
        machine.add(new InterfaceAddresses.Interface("eth2", 41, false, false, false, List.of("10.9.0.5"),
                List.of()));

        assertEquals(List.of("192.168.1.10", "fd00::10", "10.8.0.5"),
                InterfaceAddresses.chosen(machine, Set.of("eth0")));
        assertEquals(List.of("10.8.0.5", "192.168.1.10", "fd00::10"), InterfaceAddresses.chosen(machine, Set.of()),
                "without a known default route: the physical interfaces, by index");
    }

    @Test
    void aBridgeThatCarriesTheDefaultRouteCountsAndABareNamespaceReportsWhatItHas() {
        assertEquals(List.of("192.168.1.10", "10.8.0.5"), InterfaceAddresses.chosen(List.of(physical("eth1", 3,
                "10.8.0.5"), bridge("br0", 4, "192.168.1.10"), bridge("docker0", 5, "172.17.0.1")), Set.of("br0")));
        assertEquals(List.of("10.213.1.2"), InterfaceAddresses.chosen(List.of(bridge("veth-in", 2, "10.213.1.2")),
                Set.of()), "only virtual interfaces and no default route: all of them");
    }

    @Test
    void theDefaultRouteIsReadFromBothRoutingTables() throws IOException {
        Files.writeString(net.resolve("route"), String.join("\n",
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
                "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
                "wg0\t00000000\t00000000\t0000\t0\t0\t100\t00000000\t0\t0\t0", // not up
                "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0", ""));
        Files.writeString(net.resolve("ipv6_route"), String.join("\n",
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00"
                        + " fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth1",
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00"
                        + " 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo",
                "fd000000000000000000000000000000 40 00000000000000000000000000000000 00"
                        + " 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth2", ""));

        assertEquals(Set.of("eth0", "eth1"), InterfaceAddresses.defaultRouteInterfaces(net));
        assertEquals(Set.of(), InterfaceAddresses.defaultRouteInterfaces(net.resolve("absent")));
    }
}
