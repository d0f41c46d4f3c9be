package io.sirsi.nexus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations the CLI needed from the library (overview, analytics, a host's detail) and the answers as they came
 * ({@link SirsiNexusClient.Builder#onAnswer}), against a real registry.
 */
class SummariesAndAnswersIT {

    private static RegistryProcess registry;
    private static final List<RegistryAnswer> ANSWERS = new ArrayList<>();
    private static SirsiNexusClient client;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryProcess.start(Files.createTempDirectory("client-summaries"), RegistryProcess.freePort());
        client = SirsiNexusClient.builder().baseUrls(registry.url()).onAnswer(ANSWERS::add).build();
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    @Test
    void overviewAnalyticsAndHostDetail() {
        Allocation granted = client.allocate(AllocationRequest.of("ledger", "database"));

        RegistryViews.Overview overview = client.overview(null);
        assertEquals(granted, overview.portAllocations().get("ledger"));
        assertEquals(List.of("ledger"), overview.serviceTypes().get("database"));
        assertEquals(overview.totalPorts(), overview.registryStats().totalAllocations());

        Analytics analytics = client.analytics("1h", null);
        assertEquals("1h", analytics.window());
        assertEquals(granted.host(), analytics.host());
        assertTrue(analytics.types().get("database").allocations() >= 1, analytics.toString());
        assertTrue(analytics.types().get("database").inUse() >= 1);

        RegistryViews.HostDetail detail = client.host(granted.host());
        assertEquals(granted.host(), detail.host());
        assertNull(detail.agent(), "no agent reports for the registry's own host here");
        assertNull(client.hosts().get(granted.host()).agent());
    }

    @Test
    void everyAnswerIsHandedOnAsItCameWithItsHeadersAndMessage() {
        Allocation granted = client.allocate(AllocationRequest.of("audit", "rest-api"));
        RegistryAnswer allocated = ANSWERS.get(ANSWERS.size() - 1);
        assertEquals(200, allocated.status());
        assertTrue(allocated.text().contains("\"service_name\":\"audit\""), allocated.text());
        assertTrue(allocated.message().isPresent(), allocated.text());

        client.service("audit");
        RegistryAnswer lookup = ANSWERS.get(ANSWERS.size() - 1);
        assertEquals("1", lookup.header("X-Sirsi-Instances").orElseThrow());
        assertTrue(lookup.isJson());
        assertFalse(lookup.message().isPresent(), "a lookup's answer has no message");

        assertThrows(NotFoundException.class, () -> client.port(1));
        RegistryAnswer refused = ANSWERS.get(ANSWERS.size() - 1);
        assertEquals(404, refused.status());
        assertTrue(refused.isJson(), refused.text());
        client.release(granted.allocationId());
    }

    @Test
    void anAgentsReportShowsInTheHostsDetail() {
        HostReport report = new HostReport("test-agent", Instant.now(), List.of(new RegistryViews.Listener(5432,
                "tcp", "0.0.0.0", 77L, "postgres")), new HostReport.PortSpan(32768, 60999), List.of(),
                List.of("10.0.0.9"));
        HostReport.Receipt receipt = client.report("node-r", report);
        assertEquals("node-r", receipt.host());
        assertEquals(1, receipt.listeners());

        RegistryViews.HostDetail detail = client.host("node-r");
        assertEquals("reporting", detail.agent().status());
        assertEquals("test-agent", detail.agent().agentVersion());
        assertEquals(List.of("10.0.0.9"), detail.addresses());
        assertEquals(receipt.unregisteredListeners(), detail.unregisteredListeners().size());
    }

    @Test
    void healthIsAReportWhetherHealthyOrNot() {
        RegistryViews.Health health = client.health();
        assertEquals("healthy", health.status());
        assertTrue(health.heartbeatTimeoutSeconds() > 0);
    }
}
