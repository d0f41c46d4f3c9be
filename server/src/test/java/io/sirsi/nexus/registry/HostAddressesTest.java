package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One machine, one host: every spelling of an address has one form, and IPv4 is written one way only. */
class HostAddressesTest {

    @Test
    void everySpellingOfAnIpv6AddressIsItsRfc5952Form() {
        for (String loopback : List.of("::1", "0:0:0:0:0:0:0:1", "0::1", "::0001", "0000:0000::1", "0:0::0:1")) {
            assertEquals(Optional.of("::1"), Hosts.normalize(loopback), loopback);
        }
        assertEquals(Optional.of("2001:db8::1:0:0:1"), Hosts.normalize("2001:DB8:0:0:1:0:0:1"));
        assertEquals(Optional.of("2001:db8:0:1:1:1:1:1"), Hosts.normalize("2001:db8::1:1:1:1:1"));
        assertEquals(Optional.of("2001:db8::1"), Hosts.normalize("2001:0db8:0000:0000:0000:0000:0000:0001"));
        assertEquals(Optional.of("fd00::"), Hosts.normalize("fd00:0:0:0:0:0:0:0"));
        assertEquals(Optional.of("::"), Hosts.normalize("0:0:0:0:0:0:0:0"));
        assertEquals(Optional.of("1:0:2::"), Hosts.normalize("1:0:2:0:0:0:0:0"));
        assertEquals(Optional.of("::102:304"), Hosts.normalize("::1.2.3.4"));
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() {
        for (String mapped : List.of("::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:FFFF:7F00:0001", "127.0.0.1")) {
            assertEquals(Optional.of("127.0.0.1"), Hosts.normalize(mapped), mapped);
        }
    }

    @Test
    void ipv4IsDottedDecimalAndOtherSpellingsAreRefusedNamingTheForm() {
        for (String spelling : List.of("127.000.000.001", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1",
                "127.0.1", "0x7f000001")) {
            InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> Hosts.parse(spelling));
            assertEquals("invalid host '" + spelling + "': an IPv4 address is written as four decimal numbers 0-255"
                    + " without leading zeros; write 127.0.0.1", refused.getMessage(), spelling);
        }
        for (String malformed : List.of("256.0.0.1", "1.2.3.4.5", "1..2.3", "08.1.2.3", "node.1",
                "99999999999999999999999")) {
            assertTrue(assertThrows(InvalidRequestException.class, () -> Hosts.parse(malformed)).getMessage()
                    .contains("it ends in a number, so it is read as an IPv4 address, but it is not one"), malformed);
        }
        assertEquals("node-1.example.com", Hosts.parse("Node-1.Example.com"));
        assertEquals("1.example", Hosts.parse("1.example"));
        assertEquals("1.2.3.0x1g", Hosts.parse("1.2.3.0x1g")); // its last label is not a number: a name
    }

    @Test
    void malformedIpv6IsRefused() {
        for (String bad : List.of("1::2::3", ":::", ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
                "::1.2.3", "::01.2.3.4", "[::1]", "fe80::1%eth0", "1:2:3:4:5:6:7:8::", "::g", "1:", ":1",
                "::" + "0:".repeat(30) + "1")) {
            assertTrue(assertThrows(InvalidRequestException.class, () -> Hosts.parse(bad)).getMessage()
                    .contains("is read as an IPv6 address, but it is not one"), bad);
        }
    }

    @Test
    void configuredHostsShareTheRule() {
        Hosts hosts = Hosts.of("0:0::1", Optional.of(List.of("::1", "::ffff:10.0.0.7")), 1024);
        assertEquals("::1", hosts.defaultHost());
        assertEquals("10.0.0.7", hosts.resolve(Optional.of("10.0.0.7")));
        assertEquals("sirsi.ports.host=127.1: an IPv4 address is written as four decimal numbers 0-255 without"
                + " leading zeros; write 127.0.0.1", assertThrows(IllegalArgumentException.class,
                        () -> Hosts.of("127.1", Optional.empty(), 1024)).getMessage());
    }

    @Test
    void aNewHostPastTheBoundIsRefusedAndAKnownOneIsNot() {
        Hosts hosts = Hosts.of("localhost", Optional.empty(), 2);
        hosts.admitNew("node-a", () -> List.of("localhost"));
        hosts.admitNew("node-a", () -> List.of("localhost", "node-a"));
        hosts.admitNew("localhost", () -> List.of("localhost", "node-a"));
        assertTrue(assertThrows(TooManyHostsException.class,
                () -> hosts.admitNew("node-b", () -> List.of("localhost", "node-a"))).getMessage()
                .contains("sirsi.ports.max-hosts is 2"));
    }
}
