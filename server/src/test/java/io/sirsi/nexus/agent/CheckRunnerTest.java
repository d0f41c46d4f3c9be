package io.sirsi.nexus.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sirsi.nexus.wire.HostReport;
import io.sirsi.nexus.wire.HostViews;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The agent's checks against real listeners on this machine's loopback: what each outcome reports. */
class CheckRunnerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T01:00:00Z"), ZoneOffset.UTC);

    private static HostViews.CheckOrder order(int port, String type, String path) {
        return new HostViews.CheckOrder(UUID.randomUUID(), port, type, path, 1000, 1000);
    }

    @Test
    void anHttpCheckThatStallsMidBodyIsCriticalByItsTimeoutAndItsConnectionIsClosed() throws Exception {
        try (CheckRunner runner = new CheckRunner(CLOCK); StallingHttpServer stalling = new StallingHttpServer()) {
            HostViews.CheckOrder order = new HostViews.CheckOrder(UUID.randomUUID(), stalling.port(), "http",
                    "/health", 1000, 5000);
            CompletableFuture<HostReport.CheckResult> run = CompletableFuture.supplyAsync(() -> runner.run(order));

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(run::isDone); // bounded: it used to hang
            HostReport.CheckResult result = run.get();
            assertEquals("critical", result.status(), result.output());
            assertEquals("HTTP GET /health: timed out after 5000 ms, status 200 but its body unfinished",
                    result.output());
            Awaitility.await().until(() -> stalling.closedByClient() == 1); // no connection left open per run
        }
    }

    @Test
    void twoChecksThatStallDelayNoOtherCheck() throws IOException {
        try (CheckRunner runner = new CheckRunner(Clock.systemUTC()); HealthEndpoint healthy = new HealthEndpoint();
                StallingHttpServer first = new StallingHttpServer();
                StallingHttpServer second = new StallingHttpServer()) {
            // the stalled ones' timeout is long (longer than the test may take on a busy machine): the other check
            // must not wait for it
            HostViews.CheckOrder checked = new HostViews.CheckOrder(UUID.randomUUID(), healthy.port(), "http",
                    "/health", 100, 1000);
            runner.update(List.of(new HostViews.CheckOrder(UUID.randomUUID(), first.port(), "http", "/", 100,
                    600_000), new HostViews.CheckOrder(UUID.randomUUID(), second.port(), "http", "/", 100, 600_000),
                    checked));
            HostReport empty = new HostReport("t", CLOCK.instant(), List.of(), null, List.of(), List.of());

            for (int code : new int[] {200, 503, 200}) {
                healthy.answer(code);
                String expected = code == 200 ? "passing" : "critical";
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> expected.equals(
                        statusOf(runner.withResults(empty), checked)));
            }
            assertEquals(1, runner.withResults(empty).checks().size(), "the stalled checks are still running");
        }
    }

    private static String statusOf(HostReport report, HostViews.CheckOrder order) {
        return report.checks() == null ? null : report.checks().stream()
                .filter(result -> result.allocationId().equals(order.allocationId()))
                .map(HostReport.CheckResult::status).findFirst().orElse(null);
    }

    @Test
    void aTcpCheckPassesWhileSomethingListensAndIsCriticalAfter() throws IOException {
        try (CheckRunner runner = new CheckRunner(CLOCK)) {
            int port;
            HostReport.CheckResult result;
            try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                port = listener.getLocalPort();
                result = runner.run(order(port, "tcp", null));
                assertEquals("passing", result.status(), result.output());
                assertEquals(CLOCK.instant(), result.ranAt());
            }
            result = runner.run(order(port, "tcp", null));
            assertEquals("critical", result.status());
            assertTrue(result.output().startsWith("TCP connect to 127.0.0.1:" + port), result.output());
        }
    }

    /**
     * A service bound to one address only (here 127.0.0.2, as a database bound to its host's own address) is
     * checked there, where this host's scan found it: a check at 127.0.0.1 would find nothing and call it critical.
     */
    @Test
    void aCheckDialsItsPortWhereTheScanFoundItsListenerBound() throws Exception {
        InetAddress own = InetAddress.getByName("127.0.0.2");
        HttpServer web = HttpServer.create(new InetSocketAddress(own, 0), 0);
        web.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        web.start();
        try (CheckRunner runner = new CheckRunner(CLOCK); ServerSocket tcp = new ServerSocket(0, 50, own);
                ServerSocket wildcard = new ServerSocket(0)) {
            HostViews.CheckOrder tcpCheck = order(tcp.getLocalPort(), "tcp", null);
            HostViews.CheckOrder httpCheck = order(web.getAddress().getPort(), "http", "/health");
            assertEquals("critical", runner.run(tcpCheck).status(), "before any scan, at 127.0.0.1: nothing there");

            runner.listening(new HostScanner(Path.of("/proc"), "test", CLOCK, List.of("192.0.2.1")).scan()
                    .listeners());
            HostReport.CheckResult result = runner.run(tcpCheck);
            assertEquals("passing", result.status(), result.output());
            assertEquals("TCP connect to 127.0.0.2:" + tcp.getLocalPort() + ": connected", result.output());
            result = runner.run(httpCheck);
            assertEquals("passing", result.status(), result.output());
            // a wildcard listener (Java's is IPv6's, which takes IPv4 too) is dialled by IPv4 loopback, as before
            result = runner.run(order(wildcard.getLocalPort(), "tcp", null));
            assertEquals("TCP connect to 127.0.0.1:" + wildcard.getLocalPort() + ": connected", result.output());
        } finally {
            web.stop(0);
        }
    }

    @Test
    void anHttpCheckIsPassingOn2xxWarningOn429AndCriticalOtherwiseWithTheBodyTruncated() throws IOException {
        AtomicInteger answer = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            byte[] body = ("ok " + exchange.getRequestURI().getQuery() + " " + "x".repeat(2000))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (CheckRunner runner = new CheckRunner(CLOCK)) {
            HostViews.CheckOrder order = order(server.getAddress().getPort(), "http", "/health?deep=1");
            HostReport.CheckResult result = runner.run(order);
            assertEquals("passing", result.status(), result.output());
            assertTrue(result.output().startsWith("HTTP GET /health?deep=1: 200 ok deep=1 xxx"), result.output());
            assertEquals(CheckRunner.MAX_OUTPUT, result.output().length());
            answer.set(429);
            assertEquals("warning", runner.run(order).status());
            answer.set(503);
            assertEquals("critical", runner.run(order).status());
            assertEquals("critical", runner.run(order(order.port(), "http", "/missing")).status()); // 404
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theChecksTheRegistryNamesRunAndGoWithTheNextReportAndOthersStop() throws IOException {
        try (CheckRunner runner = new CheckRunner(CLOCK);
                ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HostViews.CheckOrder order = order(listener.getLocalPort(), "tcp", null);
            HostReport empty = new HostReport("t", CLOCK.instant(), List.of(), null, List.of(), List.of());
            runner.update(List.of(order));
            Awaitility.await().until(() -> runner.withResults(empty).checks() != null);
            assertEquals(order.allocationId(), runner.withResults(empty).checks().get(0).allocationId());
            runner.update(List.of());
            assertEquals(null, runner.withResults(empty).checks());
        }
    }
}
