package io.sirsi.nexus.agent;

import io.sirsi.nexus.wire.HostReport;
import io.sirsi.nexus.wire.HostViews;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the checks the registry gave the agent (in the answer to its last report) on this host, each at its interval,
 * and hands the last result of each to the next report. A check the registry no longer names stops; a changed one
 * starts again. Results carry the time they ran, so the registry counts each run once however often the agent
 * reports.
 *
 * <p>A check dials its port where the last scan found the port's TCP listener bound ({@link #listening}): a wildcard
 * listener ({@code 0.0.0.0}, {@code ::}) by loopback, one bound to a single address (a service listening on its
 * host's own address only, as databases often are) at that address; a port nothing listens on, at 127.0.0.1.
 *
 * <p>TCP: a connect within the timeout is passing, anything else critical. HTTP: a GET of the path whose status line
 * and body's start (or whole body, when shorter) arrive within the timeout; 2xx is
 * passing, 429 (asked to back off: alive) warning, anything else critical. A run that does not finish within its
 * timeout is critical and says it timed out: the timeout bounds the whole run (connect, headers and body), so a
 * service that stalls mid-answer is an outage, not a check that never ends. Output is the outcome and the body's
 * start, at most {@value #MAX_OUTPUT} characters.
 *
 * <p>Each run has a thread of its own while it runs, and the next run of a check is timed from the end of the last:
 * a check that stalls holds only itself, up to its timeout, and never another check's turn.
 */
public final class CheckRunner implements AutoCloseable {

    /** The registry's limit on a result's output. */
    static final int MAX_OUTPUT = 512;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final String LOOPBACK_V4 = "127.0.0.1";
    /** The rank of a listener a check cannot dial: never chosen. */
    private static final int UNREACHABLE = Integer.MAX_VALUE;

    private final Clock clock;
    private final HttpClient http;
    /** Times the runs; it never runs a check itself. */
    private final ScheduledExecutorService timer;
    /** Runs the checks, one thread per run in progress. */
    private final ExecutorService workers;
    /** The running checks, by allocation; guarded by this runner's monitor, as is each one's schedule. */
    private final Map<UUID, Running> running = new HashMap<>();
    private final Map<UUID, HostReport.CheckResult> results = new ConcurrentHashMap<>();
    /** Where each port's TCP listener is reached, as the last scan found them; a port not here at 127.0.0.1. */
    private volatile Map<Integer, String> dialAt = Map.of();

    /**
     * One check's schedule: run, wait its interval, run again. Once stopped its run in progress (if any) ends by its
     * timeout and its result is dropped.
     */
    private final class Running {
        private final HostViews.CheckOrder order;
        private boolean stopped;
        private Future<?> next;

        Running(HostViews.CheckOrder order) {
            this.order = order;
        }

        /** The next run, after the delay; under the runner's monitor. */
        void runAfter(long delayMs) {
            next = timer.schedule(() -> workers.execute(this::runOnce), delayMs, TimeUnit.MILLISECONDS);
        }

        private void runOnce() {
            HostReport.CheckResult result = run(order);
            synchronized (CheckRunner.this) {
                if (!stopped) {
                    results.put(order.allocationId(), result);
                    runAfter(order.intervalMs());
                }
            }
        }

        /** Under the runner's monitor. */
        void stop() {
            stopped = true;
            next.cancel(false);
        }
    }

    public CheckRunner(Clock clock) {
        this.clock = clock;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        this.timer = Executors.newSingleThreadScheduledExecutor(daemons("sirsi-nexus-check-timer"));
        this.workers = Executors.newCachedThreadPool(daemons("sirsi-nexus-check"));
    }

    private static ThreadFactory daemons(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Runs these checks from now on, and no others. */
    public synchronized void update(List<HostViews.CheckOrder> orders) {
        Map<UUID, HostViews.CheckOrder> wanted = new HashMap<>();
        (orders == null ? List.<HostViews.CheckOrder>of() : orders).forEach(order ->
                wanted.put(order.allocationId(), order));
        running.entrySet().removeIf(entry -> {
            boolean stale = !entry.getValue().order.equals(wanted.get(entry.getKey()));
            if (stale) {
                entry.getValue().stop();
                results.remove(entry.getKey());
            }
            return stale;
        });
        wanted.forEach((id, order) -> running.computeIfAbsent(id, started -> {
            Running check = new Running(order);
            check.runAfter(0);
            return check;
        }));
    }

    /**
     * Learns from a scan where each port's TCP listener is bound, so that a check dials it there. Of several
     * listeners on one port: a wildcard first, by 127.0.0.1 ({@code ::} too: Linux's IPv6 wildcard takes IPv4 unless
     * made IPv6-only, and a host or pod without IPv6 has no {@code ::1}), then one on loopback, then on an IPv4
     * address, then on an IPv6 one; a link-local one is left out (it needs an interface to be dialled).
     */
    public void listening(List<HostReport.Listener> listeners) {
        Map<Integer, String> best = new HashMap<>();
        Map<Integer, Integer> bestRank = new HashMap<>();
        for (HostReport.Listener listener : listeners) {
            if (!"tcp".equals(listener.protocol())) {
                continue;
            }
            boolean wildcard = "0.0.0.0".equals(listener.address()) || "::".equals(listener.address());
            String address = wildcard ? LOOPBACK_V4 : unmapped(listener.address());
            int rank = wildcard ? 0 : rank(address);
            if (rank < bestRank.getOrDefault(listener.port(), UNREACHABLE)) {
                best.put(listener.port(), address);
                bestRank.put(listener.port(), rank);
            }
        }
        dialAt = Map.copyOf(best);
    }

    /**
     * An IPv4 address an IPv6 socket is bound to ({@code ::ffff:7f00:2}, as Java binds IPv4 addresses) as IPv4
     * ({@code 127.0.0.2}); any other as it is.
     */
    private static String unmapped(String address) {
        if (address.startsWith("::ffff:") && address.indexOf('.') < 0) {
            try {
                return InetAddress.getByName(address).getHostAddress(); // a literal: no name lookup; Java unmaps it
            } catch (UnknownHostException notAnAddress) {
                return address;
            }
        }
        return address;
    }

    /** A listener's bound to one address: loopback before IPv4 before IPv6; link-local never. */
    private static int rank(String address) {
        if (address.startsWith("127.") || "::1".equals(address)) {
            return 1;
        }
        if (address.indexOf(':') < 0) {
            return 2;
        }
        return address.toLowerCase(Locale.ROOT).startsWith("fe80:") ? UNREACHABLE : 3;
    }

    /** The address a check of this port dials. */
    private String address(int port) {
        return dialAt.getOrDefault(port, LOOPBACK_V4);
    }

    /** An address and port as a URL's authority: IPv6 in brackets. */
    private static String authority(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    /** The report with the last result of each running check. */
    public HostReport withResults(HostReport report) {
        List<HostReport.CheckResult> last = new ArrayList<>(results.values());
        return new HostReport(report.agentVersion(), report.scannedAt(), report.listeners(), report.ephemeralRange(),
                report.reservedPorts(), report.addresses(), last.isEmpty() ? null : last);
    }

    /** One run of a check, now; it returns within the check's timeout (and a few milliseconds). */
    HostReport.CheckResult run(HostViews.CheckOrder order) {
        Duration timeout = Duration.ofMillis(order.timeoutMs());
        String[] outcome = "http".equals(order.type()) ? httpGet(order, timeout) : tcpConnect(order, timeout);
        return new HostReport.CheckResult(order.allocationId(), outcome[0], truncated(outcome[1]), clock.instant());
    }

    /** A GET bounded as a whole by the timeout: {status, output}. */
    private String[] httpGet(HostViews.CheckOrder order, Duration timeout) {
        String what = "HTTP GET " + order.path() + ": ";
        BodyStart body = new BodyStart();
        URI uri = URI.create("http://" + authority(address(order.port()), order.port()) + order.path());
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(HttpRequest.newBuilder(uri)
                .timeout(timeout).GET()
                .header("User-Agent", "sirsi-nexus-agent").build(), body::answered);
        boolean unfinished = true;
        try {
            HttpResponse<String> response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            unfinished = false;
            int code = response.statusCode();
            String status = code >= 200 && code < 300 ? "passing" : code == TOO_MANY_REQUESTS ? "warning" : "critical";
            return new String[] {status, what + code + " " + response.body().strip()};
        } catch (TimeoutException stalled) {
            return new String[] {"critical", what + timedOut(timeout) + (body.statusCode == 0 ? ", no answer"
                    : ", status " + body.statusCode + " but its body unfinished")};
        } catch (ExecutionException failed) {
            unfinished = false;
            Throwable cause = failed.getCause();
            return new String[] {"critical", what + (cause instanceof HttpTimeoutException ? timedOut(timeout)
                    + ", no answer" : cause instanceof ConnectException ? "connection refused" : cause)};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {"critical", what + "interrupted"};
        } finally {
            if (unfinished) {
                // its connection closed: a stalled service must not collect one open connection per run
                exchange.cancel(true);
                body.cancel();
            }
        }
    }

    /** A connect bounded by the timeout: {status, output}. */
    private String[] tcpConnect(HostViews.CheckOrder order, Duration timeout) {
        String address = address(order.port()); // once: a scan may change it meanwhile
        String what = "TCP connect to " + authority(address, order.port()) + ": ";
        try (Socket socket = new Socket()) {
            // a literal address: no name lookup
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), order.port()),
                    (int) timeout.toMillis());
            return new String[] {"passing", what + "connected"};
        } catch (SocketTimeoutException stalled) {
            return new String[] {"critical", what + timedOut(timeout)};
        } catch (IOException e) {
            return new String[] {"critical", what + e.getMessage()};
        }
    }

    private static String timedOut(Duration timeout) {
        return "timed out after " + timeout.toMillis() + " ms";
    }

    /**
     * The body's first {@value #MAX_OUTPUT} bytes, as text: complete once they have arrived, or the whole body when
     * it is shorter. The rest of a longer body is not read (its connection is closed).
     */
    private static final class BodyStart implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> text = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(MAX_OUTPUT);
        private volatile Flow.Subscription subscription;
        /** The answer's status, once its headers have arrived. */
        private volatile int statusCode;

        /** The subscriber of the answer's body, once its status line and headers have arrived. */
        HttpResponse.BodySubscriber<String> answered(HttpResponse.ResponseInfo answer) {
            statusCode = answer.statusCode();
            return this;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription given) {
            subscription = given;
            given.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), MAX_OUTPUT - bytes.size());
                byte[] part = new byte[take];
                buffer.get(part);
                bytes.write(part, 0, take);
            }
            if (bytes.size() >= MAX_OUTPUT) {
                subscription.cancel();
                onComplete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            text.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            text.complete(bytes.toString(StandardCharsets.UTF_8));
        }

        void cancel() {
            Flow.Subscription given = subscription;
            if (given != null) {
                given.cancel();
            }
        }
    }

    static String truncated(String output) {
        return output.length() <= MAX_OUTPUT ? output : output.substring(0, MAX_OUTPUT - 1) + "…";
    }

    @Override
    public synchronized void close() {
        running.values().forEach(Running::stop);
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
