package io.sirsi.nexus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every operation of the client against a real registry (the server's packaged jar), and how failures map. */
class ClientOperationsIT {

    private static RegistryProcess registry;
    private static SirsiNexusClient client;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryProcess.start(Files.createTempDirectory("client-ops"), RegistryProcess.freePort());
        client = SirsiNexusClient.builder().baseUrls(registry.url()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    @Test
    void allocateWithEveryFieldThenLookItUpEveryWay() {
        Allocation granted = client.allocate(AllocationRequest.of("billing", "rest-api").withPreferredPort(8081)
                .withRequired(true).withProcessId(4242).withHost("node-a").withStrategy("first-free")
                .withAvoidPorts(List.of(8082)));
        assertEquals(8081, granted.port());
        assertEquals("node-a", granted.host());
        assertEquals(4242L, granted.processId());
        assertTrue(granted.active());

        assertEquals(granted, client.service("billing"));
        assertEquals(granted, client.service("billing", "node-a"));
        assertEquals(List.of(granted), client.instances("billing"));
        assertEquals(List.of(granted), client.instances("billing", "Active"));
        assertEquals(List.of(), client.instances("billing", "Expired"));
        assertEquals(granted, client.port(8081, "node-a"));
        assertTrue(client.byType("rest-api", "node-a").contains(granted));
        assertEquals(granted, client.directory("node-a").get("billing"));
        assertTrue(client.allocations(null, null).contains(granted));
        assertEquals(List.of(granted), client.allocations("node-a", "Active").stream()
                .filter(a -> a.serviceName().equals("billing")).toList());
        assertTrue(client.hosts().get("node-a").activeAllocations() >= 1);
        assertTrue(client.stats("node-a").serviceTypes().get("rest-api") >= 1);
        assertEquals(8080, client.ranges(null).get("rest-api").firstPort());
        assertEquals("healthy", client.health().status());

        client.heartbeat(granted.allocationId());
        List<ChangeEvent> history = client.history(HistoryQuery.all().withService("billing").withHost("node-a")
                .withType("rest-api").withPort(8081).withLimit(10));
        assertEquals("allocated", history.get(history.size() - 1).type());
        assertEquals(granted.allocationId(), history.get(0).allocation().allocationId());

        client.release(granted.allocationId());
        assertThrows(NotFoundException.class, () -> client.service("billing"));
        assertEquals("released", client.history(HistoryQuery.all().withService("billing")).get(0).type());
    }

    @Test
    void avoidPortsAndStrategyAreSent() {
        Allocation first = client.allocate(AllocationRequest.of("avoider", "cache").withHost("node-b")
                .withAvoidPorts(List.of(6379, 6380)));
        assertFalse(Set.of(6379, 6380).contains(first.port()), "avoided: " + first.port());
        Allocation random = client.allocate(AllocationRequest.of("randomer", "cache").withHost("node-b")
                .withStrategy("random"));
        assertEquals("cache", random.serviceType());
        InvalidRequestException unknown = assertThrows(InvalidRequestException.class, () -> client.allocate(
                AllocationRequest.of("strategist", "cache").withStrategy("no-such-strategy")));
        assertTrue(unknown.getMessage().contains("no-such-strategy"), unknown.getMessage());
    }

    @Test
    void scaleAddsAndRemovesInstancesAcrossHosts() {
        client.allocate(AllocationRequest.of("seed", "grpc").withHost("node-c"));
        client.allocate(AllocationRequest.of("seed", "grpc").withHost("node-d"));
        ScaleResult up = client.scale(ScaleRequest.of("orders-scaled", "grpc", 2)
                .withHosts(List.of("node-c", "node-d")).withStrategy("same-port"));
        assertEquals(2, up.added());
        assertEquals(Set.of("node-c", "node-d"),
                up.instances().stream().map(Allocation::host).collect(Collectors.toSet()));
        ScaleResult down = client.scale(ScaleRequest.of("orders-scaled", "grpc", 0));
        assertEquals(2, down.removed());
        assertEquals(List.of(), down.instances());
    }

    @Test
    void aDrainedAllocationLeavesDiscoveryKeepsItsPortAndUndrainBringsItBack() {
        Allocation serving = client.allocate(AllocationRequest.of("drainee", "rest-api").withHost("node-e"));
        DrainResult drained = client.drain(serving.allocationId(), Duration.ofMinutes(10), "deploying v2");
        assertEquals("node-e", drained.host());
        Allocation draining = drained.namedAllocation().orElseThrow();
        assertEquals(serving.allocationId(), draining.allocationId());
        assertEquals(serving.port(), draining.port());
        assertTrue(draining.draining());
        assertEquals(List.of(draining), drained.drained());
        assertEquals("deploying v2", drained.why().orElseThrow());
        assertFalse(drained.until().isBefore(serving.allocatedAt().plus(Duration.ofMinutes(10))), drained.toString());
        assertEquals(List.of(), client.instances("drainee", Allocation.ACTIVE));
        client.heartbeat(serving.allocationId());
        assertEquals(List.of(draining.allocationId()), client.instances("drainee", Allocation.DRAINING).stream()
                .map(Allocation::allocationId).toList(), "a heartbeat does not end a drain");
        assertEquals("draining", client.history(HistoryQuery.all().withService("drainee")).get(0).type());

        client.undrain(serving.allocationId());
        Allocation back = client.instances("drainee", Allocation.ACTIVE).get(0);
        assertEquals(serving.port(), back.port());
        assertTrue(back.active());
        ConflictException notDraining = assertThrows(ConflictException.class,
                () -> client.undrain(serving.allocationId()));
        assertEquals(409, notDraining.status());
        assertTrue(notDraining.getMessage().contains("not Draining"), notDraining.getMessage());
    }

    @Test
    void aHostInMaintenanceDrainsAllItsAllocationsAndTakesNoNewOneUntilUndrained() {
        Allocation first = client.allocate(AllocationRequest.of("maint-a", "grpc").withHost("node-m"));
        Allocation second = client.allocate(AllocationRequest.of("maint-b", "grpc").withHost("node-m"));
        DrainResult maintenance = client.drainHost("node-m", Duration.ofMinutes(5), null);
        assertEquals("node-m", maintenance.host());
        assertTrue(maintenance.namedAllocation().isEmpty());
        assertTrue(maintenance.why().isEmpty());
        assertEquals(Set.of(first.allocationId(), second.allocationId()), maintenance.drained().stream()
                .map(Allocation::allocationId).collect(Collectors.toSet()));
        assertTrue(maintenance.drained().stream().allMatch(Allocation::draining));
        assertThrows(ConflictException.class,
                () -> client.allocate(AllocationRequest.of("maint-c", "grpc").withHost("node-m")));

        client.undrainHost("node-m");
        assertTrue(client.allocations("node-m", null).stream().allMatch(Allocation::active));
        assertEquals("node-m", client.allocate(AllocationRequest.of("maint-c", "grpc").withHost("node-m")).host());
        assertThrows(ConflictException.class, () -> client.undrainHost("node-m"));
    }

    @Test
    void drainingWhatIsNotThereOrOutOfBoundsIsRefused() {
        assertThrows(NotFoundException.class, () -> client.drain(UUID.randomUUID(), null, null));
        assertThrows(NotFoundException.class, () -> client.undrain(UUID.randomUUID()));
        Allocation allocation = client.allocate(AllocationRequest.of("drain-bounds", "cache"));
        InvalidRequestException tooLong = assertThrows(InvalidRequestException.class,
                () -> client.drain(allocation.allocationId(), Duration.ofDays(31), null));
        assertTrue(tooLong.getMessage().contains("30"), tooLong.getMessage());
        assertThrows(InvalidRequestException.class, () -> client.drain(allocation.allocationId(), Duration.ZERO,
                null));
        assertTrue(client.service("drain-bounds").active(), "a refused drain changes nothing");
    }

    @Test
    void cleanupRemovesNothingWhenNothingExpired() {
        assertEquals(List.of(), client.cleanup(false));
    }

    @Test
    void aRequiredPortHeldByAnotherServiceIsAPortUnavailableExceptionNamingTheHolder() {
        Allocation holder = client.allocate(AllocationRequest.of("holder", "database").withPreferredPort(5440)
                .withRequired(true));
        PortUnavailableException refused = assertThrows(PortUnavailableException.class, () -> client.allocate(
                AllocationRequest.of("wanter", "database").withPreferredPort(5440).withRequired(true)));
        assertEquals(409, refused.status());
        assertEquals(5440, refused.port());
        assertEquals(holder, refused.holder().orElseThrow());
        assertEquals("urn:sirsi-nexus:problem:conflict", refused.problemType().orElseThrow());
    }

    @Test
    void failuresMapToTypedExceptions() {
        assertThrows(InvalidRequestException.class, () -> client.allocate(AllocationRequest.of("Bad Name", "cache")));
        assertThrows(NotFoundException.class, () -> client.heartbeat(UUID.randomUUID()));
        assertThrows(NotFoundException.class, () -> client.release(UUID.randomUUID()));
        assertThrows(NotFoundException.class, () -> client.instances("nobody-here"));
        client.allocate(AllocationRequest.of("typed", "cache"));
        ConflictException otherType = assertThrows(ConflictException.class,
                () -> client.allocate(AllocationRequest.of("typed", "grpc")));
        assertFalse(otherType instanceof PortUnavailableException);
        assertTrue(otherType.getMessage().contains("typed"), otherType.getMessage());
    }

    @Test
    void noRegistryIsRegistryUnavailable() throws Exception {
        SirsiNexusClient nowhere = SirsiNexusClient.builder()
                .baseUrls("http://127.0.0.1:" + RegistryProcess.freePort()).build();
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, nowhere::health);
        assertEquals(0, e.status());
    }

    @Test
    void aDeadFirstUrlFailsOverToTheNext() throws Exception {
        SirsiNexusClient replicas = SirsiNexusClient.builder()
                .baseUrls("http://127.0.0.1:" + RegistryProcess.freePort(), registry.url()).build();
        Allocation allocated = replicas.allocate(AllocationRequest.of("failover", "websocket"));
        assertEquals(allocated, replicas.service("failover"));
    }

    /**
     * A proxy in front of a replica that cannot reach it answers 502 or 504: like a 503, the next URL is tried, and
     * when every one fails the failure is a {@link RegistryUnavailableException}, which passes by itself.
     */
    @Test
    void aProxysBadGatewayOrGatewayTimeoutFailsOverToTheNextUrl() throws Exception {
        try (Gateway badGateway = Gateway.failing(502); Gateway gatewayTimeout = Gateway.failing(504)) {
            Allocation live = client.allocate(AllocationRequest.of("behind-proxies", "grpc"));
            SirsiNexusClient replicas = SirsiNexusClient.builder()
                    .baseUrls(badGateway.url(), gatewayTimeout.url(), registry.url()).build();
            assertEquals(List.of(live), replicas.instances("behind-proxies"));

            SirsiNexusClient proxiesOnly = SirsiNexusClient.builder()
                    .baseUrls(badGateway.url(), gatewayTimeout.url()).build();
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> proxiesOnly.instances("behind-proxies"));
            assertEquals(504, e.status(), "the last one tried");
            client.release(live.allocationId());
        }
    }

    @Test
    void apiKeysAreSentAndRefusalsAreAccessDenied() throws Exception {
        String key = "client-it-writer-key";
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path data = Files.createTempDirectory("client-keys");
        try (RegistryProcess keyed = RegistryProcess.start(data, RegistryProcess.freePort(),
                "-Dsirsi.auth.keys.writer=writer:" + hash)) {
            SirsiNexusClient without = SirsiNexusClient.builder().baseUrls(keyed.url()).build();
            AccessDeniedException refused = assertThrows(AccessDeniedException.class,
                    () -> without.allocate(AllocationRequest.of("keyed", "cache")));
            assertEquals(401, refused.status());
            SirsiNexusClient wrong = SirsiNexusClient.builder().baseUrls(keyed.url()).apiKey("wrong").build();
            assertThrows(AccessDeniedException.class, () -> wrong.allocate(AllocationRequest.of("keyed", "cache")));
            SirsiNexusClient with = SirsiNexusClient.builder().baseUrls(keyed.url()).apiKey(key).build();
            assertEquals("keyed", with.allocate(AllocationRequest.of("keyed", "cache")).serviceName());
        }
    }

    @Test
    void buildingWithoutAUrlSaysSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SirsiNexusClient.builder().build());
        assertTrue(e.getMessage().contains("base URL"));
        Map<String, Allocation> none = client.directory("empty-host");
        assertTrue(none.isEmpty());
    }
}
