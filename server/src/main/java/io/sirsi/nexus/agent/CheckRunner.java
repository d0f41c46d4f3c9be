package io.sirsi.nexus.agent;

import io.sirsi.nexus.wire.HostReport;
import io.sirsi.nexus.wire.HostViews;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the checks the registry gave the agent (in the answer to its last report) on this host's loopback, each at
 * its interval, and hands the last result of each to the next report. A check the registry no longer names stops;
 * a changed one starts again. Results carry the time they ran, so the registry counts each run once however often
 * the agent reports.
 *
 * <p>TCP: a connect to 127.0.0.1 within the timeout is passing, anything else critical. HTTP: a GET of the path on
 * 127.0.0.1 within the timeout; 2xx is passing, 429 (asked to back off: alive) warning, anything else critical.
 * Output is the outcome and the body's start, at most {@value #MAX_OUTPUT} characters.
 */
public final class CheckRunner implements AutoCloseable {

    /** The registry's limit on a result's output. */
    static final int MAX_OUTPUT = 512;
    private static final int TOO_MANY_REQUESTS = 429;

    private final Clock clock;
    private final HttpClient http;
    private final ScheduledExecutorService runs;
    private final Map<UUID, Running> running = new HashMap<>();
    private final Map<UUID, HostReport.CheckResult> results = new ConcurrentHashMap<>();

    private record Running(HostViews.CheckOrder order, ScheduledFuture<?> schedule) {
    }

    public CheckRunner(Clock clock) {
        this.clock = clock;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        this.runs = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sirsi-nexus-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs these checks from now on, and no others. */
    public synchronized void update(List<HostViews.CheckOrder> orders) {
        Map<UUID, HostViews.CheckOrder> wanted = new HashMap<>();
        (orders == null ? List.<HostViews.CheckOrder>of() : orders).forEach(order ->
                wanted.put(order.allocationId(), order));
        running.entrySet().removeIf(entry -> {
            boolean stale = !entry.getValue().order().equals(wanted.get(entry.getKey()));
            if (stale) {
                entry.getValue().schedule().cancel(true);
                results.remove(entry.getKey());
            }
            return stale;
        });
        wanted.forEach((id, order) -> running.computeIfAbsent(id, started -> new Running(order,
                runs.scheduleWithFixedDelay(() -> results.put(id, run(order)), 0, order.intervalMs(),
                        TimeUnit.MILLISECONDS))));
    }

    /** The report with the last result of each running check. */
    public HostReport withResults(HostReport report) {
        List<HostReport.CheckResult> last = new ArrayList<>(results.values());
        return new HostReport(report.agentVersion(), report.scannedAt(), report.listeners(), report.ephemeralRange(),
                report.reservedPorts(), report.addresses(), last.isEmpty() ? null : last);
    }

    /** One run of a check, now. */
    HostReport.CheckResult run(HostViews.CheckOrder order) {
        Duration timeout = Duration.ofMillis(order.timeoutMs());
        String status;
        String output;
        if ("http".equals(order.type())) {
            try {
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + order.port() + order.path())).timeout(timeout).GET()
                        .header("User-Agent", "sirsi-nexus-agent").build(), HttpResponse.BodyHandlers.ofInputStream());
                int code = response.statusCode();
                status = code >= 200 && code < 300 ? "passing" : code == TOO_MANY_REQUESTS ? "warning" : "critical";
                output = "HTTP GET " + order.path() + ": " + code + " " + bodyStart(response.body());
            } catch (IOException e) {
                status = "critical";
                output = "HTTP GET " + order.path() + ": " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = "critical";
                output = "HTTP GET " + order.path() + ": interrupted";
            }
        } else {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", order.port()), (int) timeout.toMillis());
                status = "passing";
                output = "TCP connect to 127.0.0.1:" + order.port() + ": connected";
            } catch (IOException e) {
                status = "critical";
                output = "TCP connect to 127.0.0.1:" + order.port() + ": " + e.getMessage();
            }
        }
        return new HostReport.CheckResult(order.allocationId(), status, truncated(output), clock.instant());
    }

    private static String bodyStart(InputStream body) throws IOException {
        try (body) {
            return new String(body.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8).strip();
        }
    }

    static String truncated(String output) {
        return output.length() <= MAX_OUTPUT ? output : output.substring(0, MAX_OUTPUT - 1) + "…";
    }

    @Override
    public void close() {
        runs.shutdownNow();
    }
}
