package io.sirsi.nexus.dns;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sirsi.nexus.testing.LoggedMessages;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bound on open DNS TCP connections: beyond it a new one is closed at once, and the log says so. */
@QuarkusTest
@TestProfile(DnsTcpLimitTest.TwoConnections.class)
class DnsTcpLimitTest {

    /** Two connections at most; a deadline long enough that none is closed for being slow during a test. */
    public static class TwoConnections implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sirsi.dns.max-tcp-connections", "2", "sirsi.dns.tcp-timeout", "10m");
        }
    }

    @Inject
    DnsServer server;

    private final LoggedMessages serverLog = LoggedMessages.of(DnsServer.class);
    private final List<String> logged = serverLog.messages();

    @AfterEach
    void detach() {
        serverLog.detach();
    }

    @Test
    void beyondTheMostConnectionsANewOneIsClosedAtOnceAndLogged() throws Exception {
        serverLog.attach();
        int port = server.port().orElseThrow();
        try (DnsOverTcp first = new DnsOverTcp(port); DnsOverTcp second = new DnsOverTcp(port)) {
            // answered: both are open and counted
            assertTrue(first.askSoa().isPresent());
            assertTrue(second.askSoa().isPresent());
            try (DnsOverTcp third = new DnsOverTcp(port)) {
                assertTrue(third.askSoa().isEmpty(), "a third connection is closed, not answered");
            }
            assertTrue(logged.stream().anyMatch(line -> line.contains("TCP connections are open, the most"
                    + " sirsi.dns.max-tcp-connections allows")), logged.toString());
            assertTrue(first.askSoa().isPresent(), "those open are still answered");
            second.close();
            // once one has closed, a new one is kept again
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try (DnsOverTcp next = new DnsOverTcp(port)) {
                    return next.askSoa().isPresent();
                }
            });
            assertTrue(logged.stream().anyMatch(line -> line.contains("below sirsi.dns.max-tcp-connections again")),
                    logged.toString());
        }
    }
}
