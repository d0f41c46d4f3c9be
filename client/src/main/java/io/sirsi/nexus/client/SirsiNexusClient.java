package io.sirsi.nexus.client;

import com.fasterxml.jackson.databind.JavaType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A client of the sirsi-nexus registry: every operation of its REST API, typed. Thread-safe; make one per
 * application and share it.
 *
 * <pre>{@code
 * SirsiNexusClient registry = SirsiNexusClient.builder()
 *         .baseUrls("https://registry-a:8443", "https://registry-b:8443")
 *         .apiKey(System.getenv("SIRSI_NEXUS_API_KEY"))
 *         .trustedCertificates(Path.of("/etc/sirsi/ca.pem"))
 *         .build();
 * try (Lease lease = registry.lease(AllocationRequest.of("orders", "rest-api"))) {
 *     serveOn(lease.port());
 * }
 * }</pre>
 *
 * <p>Failures are {@link RegistryException}s: {@link InvalidRequestException} (400), {@link AccessDeniedException}
 * (401, 403), {@link NotFoundException} (404), {@link ConflictException} and {@link PortUnavailableException} (409),
 * {@link RevisionCompactedException} (410), {@link RateLimitedException} (429), {@link RegistryUnavailableException}
 * (503, or no registry answered).
 */
public final class SirsiNexusClient implements AutoCloseable {

    /** How long a connection may take to open, unless {@link Builder#connectTimeout} says otherwise. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a request may wait for its answer, unless {@link Builder#requestTimeout} says otherwise. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Transport transport;
    private final Duration leaseInterval;

    private SirsiNexusClient(Builder builder) {
        this.transport = new Transport(builder.baseUrls, builder.apiKey, builder.connectTimeout,
                builder.requestTimeout, builder.tls, builder.answers);
        this.leaseInterval = builder.leaseHeartbeatInterval;
    }

    /** A builder; at least one base URL is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code POST /ports/allocate}: a port for the service (or the one it holds already, renewed). */
    public Allocation allocate(AllocationRequest request) {
        try {
            return transport.post("/ports/allocate", Map.of(), request, Allocated.class).allocation();
        } catch (ConflictException refused) {
            if (!request.requiresPort()) {
                throw refused;
            }
            Allocation holder;
            try {
                holder = port(request.preferredPort(), request.host());
            } catch (NotFoundException nobody) {
                holder = null; // a reservation or a process outside the registry; or released meanwhile
            }
            throw new PortUnavailableException(refused.status(), refused.problemType().orElse(null),
                    refused.title().orElse(null), refused.getMessage(), request.preferredPort(), holder);
        }
    }

    /**
     * Allocates a port and keeps it alive: the returned {@link Lease} heartbeats by itself and releases the port when
     * closed.
     */
    public Lease lease(AllocationRequest request) {
        Allocation first = allocate(request);
        Duration interval = leaseInterval != null ? leaseInterval : Lease.intervalFor(heartbeatTimeout());
        return new Lease(this, request, first, interval).start();
    }

    /** {@code POST /ports/release}: frees the allocation's port. */
    public void release(UUID allocationId) {
        transport.post("/ports/release", Map.of(), Map.of("allocation_id", allocationId.toString()), Done.class);
    }

    /** {@code POST /ports/heartbeat/{id}}: the service is alive (an Expired allocation becomes Active again). */
    public void heartbeat(UUID allocationId) {
        transport.post("/ports/heartbeat/" + allocationId, Map.of(), null, Done.class);
    }

    /**
     * {@code POST /ports/drain}: the allocation is {@code Draining} at once (discovery no longer offers it, heartbeats
     * do not end it) and its port is released when {@code drainFor} ends, unless released or undrained before.
     * Draining it again sets a new time.
     *
     * @param allocationId the allocation
     * @param drainFor how long it drains; {@code null}: the registry's {@code sirsi.ports.drain-timeout}. Whole
     *        seconds are sent as seconds, anything finer as milliseconds (rounded up); at most 30 days
     * @param reason why, for people reading the log (at most 200 characters); {@code null}: none
     * @throws NotFoundException no such allocation
     * @throws ConflictException a static reservation, which cannot drain
     * @throws InvalidRequestException a duration or reason out of bounds
     */
    public DrainResult drain(UUID allocationId, Duration drainFor, String reason) {
        return drain("allocation_id", Objects.requireNonNull(allocationId, "allocationId").toString(), drainFor,
                reason);
    }

    /**
     * {@code POST /ports/drain} for a whole host (maintenance): every allocation there but the static reservations
     * drains as {@link #drain} does, and the registry makes no new allocation there until {@code drainFor} ends.
     *
     * @param host the host
     * @param drainFor how long; {@code null}: the registry's {@code sirsi.ports.drain-timeout}
     * @param reason why; {@code null}: none
     * @throws InvalidRequestException a duration or reason out of bounds
     */
    public DrainResult drainHost(String host, Duration drainFor, String reason) {
        return drain("host", Objects.requireNonNull(host, "host"), drainFor, reason);
    }

    /**
     * {@code POST /ports/undrain}: a Draining allocation is Active again and offered by discovery.
     *
     * @throws NotFoundException no such allocation
     * @throws ConflictException the allocation is not Draining
     */
    public void undrain(UUID allocationId) {
        transport.post("/ports/undrain", Map.of(),
                Map.of("allocation_id", Objects.requireNonNull(allocationId, "allocationId").toString()), Done.class);
    }

    /**
     * {@code POST /ports/undrain} for a host: its maintenance ends (new allocations are made there again) and every
     * Draining allocation there is Active again.
     *
     * @throws ConflictException the host is neither in maintenance nor has a Draining allocation
     */
    public void undrainHost(String host) {
        transport.post("/ports/undrain", Map.of(), Map.of("host", Objects.requireNonNull(host, "host")), Done.class);
    }

    /** {@code POST /ports/scale}: gives the service this many instances across hosts. */
    public ScaleResult scale(ScaleRequest request) {
        return transport.post("/ports/scale", Map.of(), request, ScaleResult.class);
    }

    /** {@code POST /ports/cleanup}: removes Expired allocations ({@code force}: every one, at once). */
    public List<Allocation> cleanup(boolean force) {
        return transport.post("/ports/cleanup", query("force", force ? "true" : null), null, CleanedUp.class)
                .removedAllocations();
    }

    /** {@code GET /ports/service/{name}}: the service, on whichever host it runs (one instance). */
    public Allocation service(String serviceName) {
        return service(serviceName, null);
    }

    /** {@code GET /ports/service/{name}?host=}: the service on this host ({@code null}: any). */
    public Allocation service(String serviceName, String host) {
        return transport.get("/ports/service/" + Transport.segment(serviceName), query("host", host),
                Allocation.class);
    }

    /** {@code GET /ports/instances/{name}}: every instance of the service across hosts, live ones first. */
    public List<Allocation> instances(String serviceName) {
        return instances(serviceName, null);
    }

    /** {@code GET /ports/instances/{name}?status=}: the service's instances with this status ({@code null}: any). */
    public List<Allocation> instances(String serviceName, String status) {
        return transport.get("/ports/instances/" + Transport.segment(serviceName), query("status", status),
                transport.listOf(Allocation.class));
    }

    /**
     * The service's instances with the change-log revision the answer is at least as new as: a watch from that
     * revision misses no change after it.
     */
    public Snapshot instancesSnapshot(String serviceName) {
        Transport.Answer<List<Allocation>> answer = transport.getWithRevision(
                "/ports/instances/" + Transport.segment(serviceName), Map.of(), transport.listOf(Allocation.class));
        return new Snapshot(answer.body(), answer.revision());
    }

    /**
     * Instances with the revision they were read at.
     *
     * @param instances the instances
     * @param revision the change-log revision the answer is at least as new as; -1 when the registry did not say
     */
    public record Snapshot(List<Allocation> instances, long revision) {
    }

    /** {@code GET /ports/port/{port}}: who holds the port on the registry's own host. */
    public Allocation port(int port) {
        return port(port, null);
    }

    /** {@code GET /ports/port/{port}?host=}: who holds the port on this host. */
    public Allocation port(int port, String host) {
        return transport.get("/ports/port/" + port, query("host", host), Allocation.class);
    }

    /** {@code GET /ports/type/{type}}: the allocations of a service type ({@code host}: on one host, or null). */
    public List<Allocation> byType(String serviceType, String host) {
        return transport.get("/ports/type/" + Transport.segment(serviceType), query("host", host),
                transport.listOf(Allocation.class));
    }

    /** {@code GET /ports/directory}: service name to allocation, on one host ({@code null}: the registry's own). */
    public Map<String, Allocation> directory(String host) {
        return transport.get("/ports/directory", query("host", host), transport.mapOf(Allocation.class));
    }

    /** {@code GET /ports/allocations}: every allocation, by host and port ({@code host}, {@code status}: filters). */
    public List<Allocation> allocations(String host, String status) {
        Map<String, Object> query = query("host", host);
        query.put("status", status);
        return transport.get("/ports/allocations", query, transport.listOf(Allocation.class));
    }

    /** {@code GET /ports/hosts}: every host the registry knows, with its allocations' counts. */
    public Map<String, RegistryViews.HostSummary> hosts() {
        return transport.get("/ports/hosts", Map.of(), transport.mapOf(RegistryViews.HostSummary.class));
    }

    /** {@code GET /ports/stats}: counts by status and type ({@code host}: on one host, or null for all). */
    public RegistryViews.Stats stats(String host) {
        return transport.get("/ports/stats", query("host", host), RegistryViews.Stats.class);
    }

    /** {@code GET /ports/ranges}: each service type's range and its use ({@code host}: on one host, or null). */
    public Map<String, RegistryViews.Range> ranges(String host) {
        return transport.get("/ports/ranges", query("host", host), transport.mapOf(RegistryViews.Range.class));
    }

    /**
     * {@code GET /ports/health}: the registry's and its store's health, and its heartbeat timeout. An unhealthy
     * registry answers 503 with the same report, which is returned as well (its {@code status} says
     * {@code unhealthy}).
     */
    public RegistryViews.Health health() {
        return transport.getEvenUnavailable("/ports/health", RegistryViews.Health.class);
    }

    /**
     * {@code GET /ports/analytics}: how each range was used over a window.
     *
     * @param window e.g. {@code 1h}, {@code 7d}; {@code null}: the registry's default (24h)
     * @param host the host; {@code null}: the registry's own
     */
    public Analytics analytics(String window, String host) {
        Map<String, Object> query = query("window", window);
        query.put("host", host);
        return transport.get("/ports/analytics", query, Analytics.class);
    }

    /**
     * {@code POST /ports/hosts/{host}/report}: a host agent's report of what listens on its host.
     *
     * @throws AccessDeniedException a key without the agent's role, when the registry asks for keys
     */
    public HostReport.Receipt report(String host, HostReport report) {
        return transport.post("/ports/hosts/" + Transport.segment(Objects.requireNonNull(host, "host")) + "/report",
                Map.of(), Objects.requireNonNull(report, "report"), HostReport.Receipt.class);
    }

    /** {@code GET /ports/overview}: one host's allocations, counts and types ({@code null}: the registry's own). */
    public RegistryViews.Overview overview(String host) {
        return transport.get("/ports/overview", query("host", host), RegistryViews.Overview.class);
    }

    /**
     * {@code GET /ports/hosts/{host}}: what the host's agent last reported: the listeners no allocation holds, and the
     * allocations not listening.
     */
    public RegistryViews.HostDetail host(String host) {
        return transport.get("/ports/hosts/" + Transport.segment(Objects.requireNonNull(host, "host")), Map.of(),
                RegistryViews.HostDetail.class);
    }

    /** {@code GET /ports/history}: what happened to allocations, newest first. */
    public List<ChangeEvent> history(HistoryQuery query) {
        JavaType events = transport.listOf(ChangeEvent.class);
        return transport.get("/ports/history", query.parameters(), events);
    }

    /**
     * {@code GET /ports/events}: follows changes as they happen, on a thread of the watch's own, resuming by itself
     * after a dropped connection without losing or repeating an event. Close the returned watch to stop.
     */
    public Watch watch(WatchOptions options, WatchListener listener) {
        return new Watch(transport, options, Objects.requireNonNull(listener, "listener")).start();
    }

    /**
     * The change stream as a {@link Flow.Publisher}: each subscriber gets a watch of its own, started on subscribe and
     * stopped on cancel; a failure that ends the watch ({@link WatchListener#onFailed}) ends the subscription.
     */
    public Flow.Publisher<ChangeEvent> events(WatchOptions options) {
        return subscriber -> new EventPublisher(this, options).subscribe(subscriber);
    }

    /**
     * Ends the client: its connections and the JDK HTTP client's selector thread; requests made after it fail. Close
     * the leases and watches made from it first (a lease releases its port through the client).
     *
     * <p>A short-lived program such as a command-line tool should close its client before it exits: the JVM's exit
     * waits up to 0.3 s for threads blocked in native code, and the selector thread is one.
     */
    @Override
    public void close() {
        transport.close();
    }

    private Duration heartbeatTimeout() {
        try {
            return Duration.ofSeconds(health().heartbeatTimeoutSeconds());
        } catch (RegistryException e) {
            return Lease.ASSUMED_TIMEOUT; // a registry that does not say: the default timeout of the spec
        }
    }

    private DrainResult drain(String field, String value, Duration drainFor, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(field, value);
        if (drainFor != null) {
            body.put("for", durationText(drainFor));
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        return transport.post("/ports/drain", Map.of(), body, DrainResult.class);
    }

    /**
     * A duration as the registry reads it (a whole number and a unit): whole seconds as seconds, else milliseconds
     * rounded up. The registry, not the client, judges the bounds, so the message is the same as for the CLI.
     */
    static String durationText(Duration duration) {
        if (duration.getNano() == 0) {
            return duration.getSeconds() + "s";
        }
        boolean finerThanMillis = duration.toNanosPart() % 1_000_000 != 0;
        return (duration.toMillis() + (finerThanMillis ? 1 : 0)) + "ms";
    }

    private static Map<String, Object> query(String name, Object value) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put(name, value);
        return query;
    }

    private record Allocated(boolean success, Allocation allocation, String message) {
    }

    private record Done(String success, String message) {
    }

    private record CleanedUp(String success, int removed, List<Allocation> removedAllocations, String message) {
    }

    /** How to reach the registry. */
    public static final class Builder {

        private final List<URI> baseUrls = new ArrayList<>();
        private String apiKey;
        private SSLContext tls;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration leaseHeartbeatInterval;
        private Consumer<RegistryAnswer> answers;

        private Builder() {
        }

        /**
         * Hands each answer of the registry, as it came, to this listener before the client reads it, on the thread
         * that made the request: for a tool that prints the registry's own JSON or reads a header. None by default.
         */
        public Builder onAnswer(Consumer<RegistryAnswer> listener) {
            this.answers = listener;
            return this;
        }

        /**
         * The registry's base URLs, e.g. {@code http://127.0.0.1:8080}: one, or one per replica. Requests go to the
         * one that answered last, and to the next when it cannot be reached.
         */
        public Builder baseUrls(String... urls) {
            for (String url : urls) {
                baseUrls.add(URI.create(Objects.requireNonNull(url, "url")));
            }
            return this;
        }

        /** The API key, sent as {@code Authorization: Bearer}; none by default. */
        public Builder apiKey(String key) {
            this.apiKey = key == null || key.isBlank() ? null : key;
            return this;
        }

        /** For {@code https} URLs: trust the certificates in this PEM file (a private CA) rather than the JDK's. */
        public Builder trustedCertificates(Path pemFile) {
            this.tls = TrustedCertificates.from(pemFile);
            return this;
        }

        /** For {@code https} URLs: this TLS context. */
        public Builder sslContext(SSLContext context) {
            this.tls = context;
            return this;
        }

        /** How long opening a connection may take (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /** How long a request may wait for its answer (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "request timeout");
            return this;
        }

        /** How often a {@link Lease} heartbeats; by default a third of the registry's heartbeat timeout. */
        public Builder leaseHeartbeatInterval(Duration interval) {
            this.leaseHeartbeatInterval = positive(interval, "heartbeat interval");
            return this;
        }

        /** The client. */
        public SirsiNexusClient build() {
            if (baseUrls.isEmpty()) {
                throw new IllegalStateException("no base URL: call baseUrls(\"http://host:8080\")");
            }
            return new SirsiNexusClient(this);
        }

        private static Duration positive(Duration duration, String what) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("the " + what + " must be positive");
            }
            return duration;
        }
    }
}
