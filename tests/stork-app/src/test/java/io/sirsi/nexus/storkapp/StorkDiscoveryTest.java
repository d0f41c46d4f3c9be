package io.sirsi.nexus.storkapp;

import static io.restassured.RestAssured.get;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.AllocationRequest;
import io.sirsi.nexus.client.HistoryQuery;
import io.sirsi.nexus.client.HostReport;
import io.sirsi.nexus.client.NotFoundException;
import io.sirsi.nexus.client.RegistryViews;
import io.sirsi.nexus.client.SirsiNexusClient;
import io.sirsi.nexus.stork.SirsiConfiguration;
import io.sirsi.nexus.testing.RegistryProcess;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.Service;
import io.smallrye.stork.api.ServiceDefinition;
import io.smallrye.stork.api.ServiceInstance;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application's REST client on {@code stork://orders}, with the {@code sirsi} provider, against a real registry
 * and real backends that register themselves with a lease: calls spread over the instances, follow releases, drains
 * and new instances without a restart, and survive a registry restart.
 */
@QuarkusTest
@QuarkusTestResource(value = RegistryResource.class, restrictToAnnotatedClass = true)
class StorkDiscoveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final SirsiNexusClient registry = SirsiNexusClient.builder().baseUrls(RegistryResource.url()).build();
    private final List<Backend> backends = new ArrayList<>();
    private Instant lastRanAt = Instant.EPOCH;

    @AfterEach
    void stopBackends() {
        backends.forEach(Backend::close);
        backends.clear();
        await().atMost(PATIENCE).until(() -> instancePorts().isEmpty());
    }

    @Test
    void callsAreSpreadOverBothInstances() throws Exception {
        Backend a = backend("a", "localhost");
        Backend b = backend("b", "127.0.0.1");
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), b.port())));
        Map<String, Integer> answers = call(20);
        assertEquals(Map.of("a", 10, "b", 10), answers, "round robin over both");
    }

    @Test
    void aReleasedInstanceStopsReceivingCalls() throws Exception {
        Backend a = backend("a", "localhost");
        Backend b = backend("b", "127.0.0.1");
        await().atMost(PATIENCE).until(() -> instancePorts().size() == 2);
        b.release();
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port())));
        int before = b.calls();
        assertEquals(Map.of("a", 10), call(10));
        assertEquals(before, b.calls(), "the released backend got no call");
    }

    @Test
    void aDrainedInstanceStopsReceivingCallsAndUndrainBringsItBack() throws Exception {
        Backend a = backend("a", "localhost");
        Backend b = backend("b", "127.0.0.1");
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), b.port())));
        registry.drain(b.lease().allocationId(), Duration.ofMinutes(10), "deploying b");
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port())));
        int before = b.calls();
        assertEquals(Map.of("a", 10), call(10));
        assertEquals(before, b.calls(), "the drained backend, still up and heartbeating, got no call");
        assertTrue(registry.service("orders", "127.0.0.1").draining(), "it keeps its port while draining");

        registry.undrain(b.lease().allocationId());
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), b.port())));
        assertEquals(Map.of("a", 5, "b", 5), call(10));
    }

    @Test
    void anInstanceAddedLaterReceivesCallsWithoutARestart() throws Exception {
        Backend a = backend("a", "localhost");
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port())));
        assertEquals(Map.of("a", 4), call(4));
        Backend c = backend("c", "127.0.0.1");
        await().atMost(PATIENCE).until(() -> instancePorts().contains(c.port()));
        assertEquals(Map.of("a", 5, "c", 5), call(10));
    }

    @Test
    void aUdpInstanceOfTheServiceIsNeverCalled() throws Exception {
        Backend a = backend("a", "localhost");
        Allocation datagrams = registry.allocate(AllocationRequest.of("orders", RegistryResource.BACKEND_TYPE)
                .withHost("127.0.0.2").withProtocol("udp"));
        try {
            Backend c = backend("c", "127.0.0.1"); // added after it: once c is listed, the UDP one was passed over
            await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), c.port())));
            assertEquals(Map.of("a", 5, "c", 5), call(10));
        } finally {
            registry.release(datagrams.allocationId());
        }
    }

    /**
     * How long from the registry's answer to an allocation until the application's Stork list has the instance:
     * printed for the record (no timed assertion on a shared machine), each one asserted to arrive.
     */
    @Test
    void timeFromTheRegistrysAnswerToTheNewList() throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int round = 0; round < 15; round++) {
            Backend added = backend("t" + round, "localhost");
            long answered = System.nanoTime();
            await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> instancePorts().contains(added.port()));
            micros.add((System.nanoTime() - answered) / 1000);
            stopBackends();
        }
        List<Long> sorted = micros.stream().sorted().toList();
        System.out.printf("stork list update after the registry's answer, 15 rounds: median %.1f ms, max %.1f ms%n",
                sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
        assertEquals(15, micros.size());
    }

    @Test
    void acrossARegistryRestartTheListIsKeptThenResumed() throws Exception {
        try (LogCapture logged = new LogCapture()) {
            Backend a = backend("a", "localhost");
            Backend b = backend("b", "127.0.0.1");
            await().atMost(PATIENCE).until(() -> instancePorts().size() == 2);

            RegistryResource.stopRegistry();
            await().atMost(PATIENCE).until(() -> logged.saw("Registry unreachable"));
            assertEquals(Set.of(a.port(), b.port()), instancePorts(), "the last known list is kept");
            assertEquals(Map.of("a", 3, "b", 3), call(6));

            RegistryResource.startAgain();
            b.release();
            await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port())));
            Backend c = backend("c", "127.0.0.2");
            await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), c.port())));
            assertTrue(logged.saw("Registry reachable again"), logged.toString());
        }
    }

    /**
     * While the application cannot reach it, the registry goes on (on another port, same data) and prunes its change
     * log past the provider's revision: resuming is then a 410, and the provider reads the list whole again. Only that
     * read can drop b, whose release event the provider never received.
     */
    @Test
    void afterTheChangeLogIsCompactedPastItsRevisionTheProviderReadsTheListAgain() throws Exception {
        try (LogCapture logged = new LogCapture()) {
            Backend a = backend("a", "localhost");
            Backend b = backend("b", "127.0.0.1");
            await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), b.port())));
            long seen = registry.instancesSnapshot("orders").revision();

            RegistryResource.stopRegistry();
            b.release(); // logged, not thrown: the registry is away
            try {
                try (RegistryProcess elsewhere = RegistryResource.startElsewhere(
                        "-Dsirsi.ports.history.max-events=1", "-Dsirsi.ports.heartbeat-timeout=10m")) {
                    SirsiNexusClient direct = SirsiNexusClient.builder().baseUrls(elsewhere.url()).build();
                    direct.release(b.lease().allocationId());
                    direct.allocate(AllocationRequest.of("unrelated", "cache")); // the one event kept is a later one
                    await().atMost(PATIENCE).until(() -> direct.history(HistoryQuery.all()).size() == 1);
                    long oldest = direct.history(HistoryQuery.all()).get(0).revision();
                    assertTrue(oldest > seen + 1, "pruned past the provider's revision " + seen + ": " + oldest);
                }
                assertEquals(Set.of(a.port(), b.port()), instancePorts(), "nothing seen while away");
            } finally {
                RegistryResource.startAgain(); // whatever happened, for the tests after this one
            }
            await().atMost(PATIENCE).until(() -> logged.saw("no longer holds the events")); // the 410's detail
            await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port())));
            assertEquals(Map.of("a", 4), call(4));
        }
    }

    /**
     * A change committed after the provider's first read and before its watch starts is not lost: a proxy in front of
     * the registry answers that read, drains b on the registry before handing the answer on, then answers the watch
     * 503, so the watch opens on the registry (the next URL) after the drain.
     */
    @Test
    void aDrainBetweenTheFirstReadAndTheWatchIsNotLost() throws Exception {
        Backend a = backend("a", "localhost");
        Backend b = backend("b", "127.0.0.1");
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), b.port())));
        AtomicBoolean drained = new AtomicBoolean();
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpClient http = HttpClient.newHttpClient();
        proxy.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().startsWith("/ports/instances/")) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                HttpResponse<byte[]> read = http.send(HttpRequest.newBuilder(
                        URI.create(RegistryResource.url() + exchange.getRequestURI())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (!drained.getAndSet(true)) {
                    registry.drain(b.lease().allocationId(), Duration.ofMinutes(10), "while discovery starts");
                }
                read.headers().map().forEach((name, values) -> {
                    if (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("X-Sirsi-Index")) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                exchange.sendResponseHeaders(read.statusCode(), read.body().length);
                exchange.getResponseBody().write(read.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        proxy.start();
        try {
            String proxied = "http://127.0.0.1:" + proxy.getAddress().getPort();
            Stork.getInstance().defineIfAbsent("orders-starting", ServiceDefinition.of(new SirsiConfiguration()
                    .withRegistryUrls(proxied + "," + RegistryResource.url()).withRegistryService("orders")));
            await().atMost(PATIENCE).until(() -> instancePorts("orders-starting").equals(Set.of(a.port())));
            assertTrue(drained.get(), "the drain happened during the provider's first read");
        } finally {
            proxy.stop(0);
        }
    }

    /**
     * An instance whose check is critical is not offered, as the registry's DNS and Prometheus SD leave it out; it is
     * offered again once its check passes. The host's agent is played by reports of the check's results.
     */
    @Test
    void anInstanceWhoseCheckIsCriticalIsNotOfferedUntilItPassesAgain() throws Exception {
        Backend a = backend("a", "localhost");
        String checkedHost = "127.0.0.3";
        Backend c = backend("c", checkedHost, AllocationRequest.Check.tcp());
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), c.port())));

        reportCheck(checkedHost, c, "critical", 3); // check-failures-before-critical, by default
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port())));
        assertEquals(Allocation.Check.CRITICAL, registry.service("orders", checkedHost).check().status());
        assertTrue(registry.service("orders", checkedHost).active(), "critical, yet Active: the check alone hides it");

        reportCheck(checkedHost, c, "passing", 2); // check-passes-before-passing
        await().atMost(PATIENCE).until(() -> instancePorts().equals(Set.of(a.port(), c.port())));
    }

    /** Reports, as the host's agent would, this many runs of the backend's check with this result. */
    private void reportCheck(String host, Backend backend, String status, int runs) {
        for (int run = 0; run < runs; run++) {
            Instant now = Instant.now();
            Instant ranAt = now.isAfter(lastRanAt) ? now : lastRanAt.plusMillis(1); // each run is counted once
            lastRanAt = ranAt;
            registry.report(host, new HostReport("stork-test", ranAt, List.of(new RegistryViews.Listener(
                    backend.port(), "tcp", "0.0.0.0", null, "java")), null, List.of(), List.of(),
                    List.of(new HostReport.CheckResult(backend.lease().allocationId(), status, status, ranAt))));
        }
    }

    @Test
    void theApplicationRegisteredItselfWithTheSirsiRegistrar() {
        Allocation front = registry.service("front");
        assertEquals(RegistryResource.applicationPort(), front.port());
        assertEquals(RegistryResource.BACKEND_TYPE, front.serviceType());
        assertTrue(front.active());

        Service service = Stork.getInstance().getService("front");
        service.deregisterServiceInstance("front").await().atMost(PATIENCE);
        assertThrows(NotFoundException.class, () -> registry.service("front"));
        service.registerInstance("front", "127.0.0.1", RegistryResource.applicationPort())
                .await().atMost(PATIENCE); // registered again, for the release at shutdown
        assertEquals(RegistryResource.applicationPort(), registry.service("front", "127.0.0.1").port());
    }

    /** The provider's log lines while open. */
    private static final class LogCapture extends Handler implements AutoCloseable {

        private static final Logger DISCOVERY_LOG = Logger.getLogger(
                "io.sirsi.nexus.stork.SirsiServiceDiscovery");
        private final List<String> lines = new CopyOnWriteArrayList<>();

        LogCapture() {
            DISCOVERY_LOG.addHandler(this);
        }

        boolean saw(String text) {
            return lines.stream().anyMatch(line -> line.contains(text));
        }

        @Override
        public void publish(LogRecord record) {
            Object[] parameters = record.getParameters();
            lines.add(parameters == null ? String.valueOf(record.getMessage())
                    : MessageFormat.format(record.getMessage(), parameters));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            DISCOVERY_LOG.removeHandler(this);
        }

        @Override
        public String toString() {
            return lines.toString();
        }
    }

    private Backend backend(String name, String host) throws Exception {
        return backend(name, host, null);
    }

    private Backend backend(String name, String host, AllocationRequest.Check check) throws Exception {
        Backend backend = Backend.start(registry, name, host, check);
        backends.add(backend);
        return backend;
    }

    private static Set<Integer> instancePorts() {
        return instancePorts("orders");
    }

    private static Set<Integer> instancePorts(String storkService) {
        return Stork.getInstance().getService(storkService).getInstances().await().atMost(Duration.ofSeconds(10))
                .stream().map(ServiceInstance::getPort).collect(Collectors.toSet());
    }

    /** Calls the application's endpoint n times: which backend answered, how often. */
    private static Map<String, Integer> call(int n) {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < n; i++) {
            answers.merge(get("/front").then().statusCode(200).extract().asString(), 1, Integer::sum);
        }
        return answers;
    }
}
