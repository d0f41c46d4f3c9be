package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The host rule, and the configuration errors that stop a start. */
class HostsTest {

    @Test
    void namesAreRfc1123LabelsOrAddressesAndCaseInsensitive() {
        assertEquals(Optional.of("node-1.example.com"), Hosts.normalize("Node-1.Example.COM"));
        assertEquals(Optional.of("10.0.0.7"), Hosts.normalize("10.0.0.7"));
        assertEquals(Optional.of("::1"), Hosts.normalize("::1"));
        assertEquals(Optional.of("a".repeat(63)), Hosts.normalize("a".repeat(63)));
        for (String bad : new String[] {"", " ", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b", "a".repeat(64),
                ("a".repeat(63) + ".").repeat(4) + "a", "1:2:3:zz::1", "node/1"}) {
            assertEquals(Optional.empty(), Hosts.normalize(bad), bad);
        }
        assertEquals(Optional.empty(), Hosts.normalize(null));
    }

    @Test
    void loopbackIsJudgedByTheAddressesOneFormNeverByName() {
        for (String loopback : new String[] {"127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.2"}) {
            assertTrue(Hosts.isLoopbackAddress(loopback), loopback);
        }
        for (String other : new String[] {"10.0.0.7", "::2", "::ffff:10.0.0.1", "127.example", "localhost", "127.1",
                "unknown", ""}) {
            assertFalse(Hosts.isLoopbackAddress(other), other);
        }
    }

    @Test
    void aConfigurationThatCannotBeUsedStopsTheStartWithTheKeyNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Hosts.of("bad_host", Optional.empty(), 1024))
                .getMessage().startsWith("sirsi.ports.host=bad_host: expected a host name"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Hosts.of("localhost", Optional.of(List.of("node-a", "x y")), 1024)).getMessage()
                .startsWith("sirsi.ports.hosts: 'x y' is not a host name"));
        assertEquals("sirsi.ports.hosts=node-a,node-b does not include sirsi.ports.host=localhost, the host the"
                        + " registry answers for by default; add it",
                assertThrows(IllegalArgumentException.class,
                        () -> Hosts.of("localhost", Optional.of(List.of("node-b", "Node-A")), 1024)).getMessage());
    }

    @Test
    void aRequestWithoutAHostMeansTheRegistrysOwn() {
        Hosts hosts = Hosts.of("LocalHost", Optional.of(List.of("localhost", "node-a")), 1024);
        assertEquals("localhost", hosts.resolve(Optional.empty()));
        assertEquals("node-a", hosts.resolve(Optional.of("NODE-A")));
        assertEquals(List.of("localhost", "node-a", "node-z"), hosts.withHolders(List.of("node-z")));
        InvalidRequestException unknown = assertThrows(InvalidRequestException.class,
                () -> hosts.resolve(Optional.of("node-b")));
        assertTrue(unknown.getMessage().contains("localhost, node-a"));
    }
}
