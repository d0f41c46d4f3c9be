package io.sirsi.nexus.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.LoggedMessages;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A lease against a real registry with a 3 s heartbeat timeout: it heartbeats, outlives restarts, releases. */
class LeaseIT {

    private static final String TIMEOUT = "-Dsirsi.ports.heartbeat-timeout=3s";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final LoggedMessages leaseLog = LoggedMessages.of(Lease.class);
    private final List<String> logged = leaseLog.messages();

    @BeforeEach
    void captureTheLeaseLog() {
        leaseLog.attach();
    }

    @AfterEach
    void stopCapturing() {
        leaseLog.detach();
    }

    @Test
    void aLeaseHeartbeatsKeepsItsAllocationThroughARegistryRestartAndReleasesOnClose() throws Exception {
        Path data = Files.createTempDirectory("lease-restart");
        int port = RegistryProcess.freePort();
        RegistryProcess first = RegistryProcess.start(data, port, TIMEOUT);
        SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(first.url()).build();
        try (Lease lease = client.lease(AllocationRequest.of("leased", "rest-api"))) {
            UUID id = lease.allocationId();
            assertEquals(Duration.ofSeconds(1), lease.heartbeatInterval(), "a third of the registry's timeout");
            Instant granted = lease.allocation().lastHeartbeat();
            await().atMost(PATIENCE).until(() -> client.service("leased").lastHeartbeat().isAfter(granted));

            first.close();
            await().atMost(PATIENCE).until(() -> logged.stream().anyMatch(m -> m.contains("registry unavailable")));
            Instant restarted = Instant.now();
            try (RegistryProcess second = RegistryProcess.start(data, port, TIMEOUT)) {
                // alive more than a whole timeout after the restart, on the same allocation
                await().atMost(PATIENCE).until(() -> client.service("leased").lastHeartbeat()
                        .isAfter(restarted.plusSeconds(4)));
                Allocation kept = client.service("leased");
                assertTrue(kept.active(), kept.toString());
                assertEquals(id, kept.allocationId());
                assertEquals(id, lease.allocationId());
                assertTrue(logged.stream().anyMatch(m -> m.contains("go through again")), logged.toString());

                lease.close();
                assertThrows(NotFoundException.class, () -> client.service("leased"));
            }
        }
    }

    /**
     * A drained allocation ("send me no new work") is released by the registry when its drain ends; the lease must not
     * put it back in service by allocating again: it stops and says so.
     */
    @Test
    void aDrainedLeaseStopsWhenItsDrainEndsAndDoesNotAllocateAgain() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("lease-drain"),
                RegistryProcess.freePort(), TIMEOUT)) {
            SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(registry.url()).build();
            try (Lease lease = client.lease(AllocationRequest.of("drained", "rest-api"))) {
                UUID drained = lease.allocationId();
                client.drain(drained, Duration.ofSeconds(1), "deploying");
                await().atMost(PATIENCE).until(() -> lease.drainEnded().toCompletableFuture().isDone()
                        || !lease.allocationId().equals(drained));
                assertEquals(drained, lease.allocationId(), "not allocated again");
                assertEquals(drained, lease.drainEnded().toCompletableFuture().get().allocationId());
                assertThrows(NotFoundException.class, () -> client.service("drained"));
                assertTrue(logged.stream().anyMatch(m -> m.contains("was drained")), logged.toString());
            }
        }
    }

    /** An allocation that expired while its service lived and was cleaned up is a loss: the lease allocates again. */
    @Test
    void aLeaseAllocatesAgainAfterItsAllocationExpiredAndWasCleanedUp() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("lease-cleaned"),
                RegistryProcess.freePort(), TIMEOUT)) {
            // heartbeats slower than the registry's 3 s timeout: the allocation expires between two of them
            SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(registry.url())
                    .leaseHeartbeatInterval(Duration.ofSeconds(8)).build();
            try (Lease lease = client.lease(AllocationRequest.of("cleaned", "cache").withPreferredPort(6391))) {
                UUID lost = lease.allocationId();
                int port = lease.allocation().port(); // 6391 unless something on this machine holds it
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> client.cleanup(true)
                        .stream().anyMatch(removed -> removed.allocationId().equals(lost)));
                await().atMost(PATIENCE).until(() -> !lease.allocationId().equals(lost));
                Allocation again = client.service("cleaned");
                assertEquals(lease.allocationId(), again.allocationId());
                assertEquals(port, again.port(), "the lease asks for the port it had");
                // not asserted Active: with 8 s between heartbeats and a 3 s timeout, the new allocation may expire
                // before this read on a busy machine; that the lease took it again is the point
                assertFalse(lease.drainEnded().toCompletableFuture().isDone());
            }
        }
    }

    /** A proxy in front of the registry that answers 502 or 504 is the registry away, not a refusal: backoff. */
    @Test
    void aLeaseTakesAProxysBadGatewayAsTheRegistryAway() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("lease-proxy"),
                RegistryProcess.freePort(), TIMEOUT); Gateway gateway = Gateway.to(registry.url())) {
            SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(gateway.url()).build();
            try (Lease lease = client.lease(AllocationRequest.of("proxied", "rest-api"))) {
                for (int status : new int[] {502, 504}) {
                    logged.clear();
                    gateway.failWith(status);
                    await().atMost(PATIENCE).until(() -> logged.stream()
                            .anyMatch(m -> m.contains("registry unavailable") || m.contains("refused")));
                    gateway.forward();
                    await().atMost(PATIENCE).until(() -> logged.stream().anyMatch(m -> m.contains("go through again")
                            || m.contains("refused")));
                    assertFalse(logged.stream().anyMatch(m -> m.contains("refused")), status + ": " + logged);
                }
                assertEquals(lease.allocationId(), client.service("proxied").allocationId());
            }
        }
    }

    @Test
    void aLeaseTakesItsPortAgainFromARegistryThatLostIt() throws Exception {
        int port = RegistryProcess.freePort();
        SirsiNexusClient client = SirsiNexusClient.builder().baseUrls("http://127.0.0.1:" + port).build();
        Lease lease;
        try (RegistryProcess first = RegistryProcess.start(Files.createTempDirectory("lease-a"), port, TIMEOUT)) {
            // a port other than the range's first, to see that the same one comes back
            lease = client.lease(AllocationRequest.of("phoenix", "cache").withPreferredPort(6390));
        }
        UUID lost = lease.allocationId();
        try (RegistryProcess empty = RegistryProcess.start(Files.createTempDirectory("lease-b"), port, TIMEOUT);
                Lease closing = lease) {
            await().atMost(PATIENCE).until(() -> !closing.allocationId().equals(lost));
            Allocation again = client.service("phoenix");
            assertNotEquals(lost, again.allocationId());
            assertEquals(closing.allocationId(), again.allocationId());
            assertEquals(6390, again.port());
        }
    }
}
