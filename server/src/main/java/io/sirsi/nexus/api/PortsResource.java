package io.sirsi.nexus.api;

import io.sirsi.nexus.api.ratelimit.ReadLimited;
import io.sirsi.nexus.api.ratelimit.WriteLimited;
import io.sirsi.nexus.api.security.RequestBodies;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.Grant;
import io.sirsi.nexus.registry.InvalidRequestException;
import io.sirsi.nexus.registry.NotRegisteredException;
import io.sirsi.nexus.registry.PortRange;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.RangeUsage;
import io.sirsi.nexus.registry.RegistryStats;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.registry.StaleRead;
import io.sirsi.nexus.registry.StoreUnavailableException;
import io.sirsi.nexus.wire.AllocateRequest;
import io.sirsi.nexus.wire.AllocationIds;
import io.sirsi.nexus.wire.AllocationView;
import io.sirsi.nexus.wire.HostReport;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.sirsi.nexus.wire.ReleaseRequest;
import io.sirsi.nexus.wire.Responses;
import io.sirsi.nexus.wire.ScaleBody;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The spec's REST API. Thin: parses, asks the {@link PortRegistry}, shapes the answer. Reading needs role
 * {@code reader}, changing allocations {@code writer}, cleanup {@code admin} (see {@link Role}). Every endpoint
 * but the health check spends the client's read or write rate-limit budget.
 *
 * <p>A little past 400 lines for a reason: most of it is the OpenAPI annotations of the spec's endpoints, which
 * belong beside the methods they describe; each endpoint's own code is a few lines.
 */
@Path("/ports")
@RolesAllowed(Role.Names.READER)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "400", description = "Malformed request",
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = Problems.UNAVAILABLE_DESCRIPTION,
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class PortsResource {

    /** On {@code /ports/service/{name}}: how many instances the service has across hosts. */
    static final String INSTANCES_HEADER = "X-Sirsi-Instances";
    /** The answers to a release and to a heartbeat ({@link DirectRoutes} gives them too). */
    static final Responses.Done RELEASED = Responses.Done.of("Port released successfully");
    static final Responses.Done ALIVE = Responses.Done.of("Heartbeat successful");
    private static final Pattern PORT_NUMBER = Pattern.compile("\\d{1,5}");

    private final PortRegistry registry;
    private final WrittenAnswers written;
    private final ProblemWriter problems;

    public PortsResource(PortRegistry registry, WrittenAnswers written, ProblemWriter problems) {
        this.registry = registry;
        this.written = written;
        this.problems = problems;
    }

    @POST
    @RolesAllowed(Role.Names.WRITER)
    @Path("/allocate")
    @WriteLimited
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "Port management")
    @Operation(summary = "Allocate a port for a service",
            description = "Grants the preferred port when free, else the first free port of the type's range. "
                    + "A service that already holds a port gets the same allocation back.")
    @APIResponse(responseCode = "200", description = "Allocated, or the service's existing allocation",
            content = @Content(schema = @Schema(implementation = Responses.Allocated.class)))
    @APIResponse(responseCode = "409", description = "Required port unavailable, or range exhausted",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<Responses.Allocated> allocate(AllocateRequest request) {
        return registry.allocate(present(request).toRegistryRequest(registry.types()))
                .thenApply(grant -> allocated(registry, grant));
    }

    /** The answer to an allocation; {@link DirectRoutes} answers with it too. */
    static Responses.Allocated allocated(PortRegistry registry, Grant grant) {
        return new Responses.Allocated(true, view(registry, grant.allocation()), grant.why()
                .map(why -> "Port allocated: " + why)
                .orElse(grant.created() ? "Port allocated successfully"
                        : "Service already holds this port; allocation renewed"));
    }

    @POST
    @RolesAllowed(Role.Names.WRITER)
    @Path("/scale")
    @WriteLimited
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "Port management")
    @Operation(summary = "Make a service have exactly N instances, one per host at most",
            description = "New instances go to the hosts (of the list, or every known host) without one, those"
                    + " holding the fewest allocations first; surplus ones are released newest first. All or"
                    + " nothing. The hook an autoscaler calls.")
    @APIResponse(responseCode = "200", description = "Scaled (or already at N)",
            content = @Content(schema = @Schema(implementation = Responses.Scaled.class)))
    @APIResponse(responseCode = "409", description = "Not enough hosts, a range exhausted, or a type conflict;"
            + " nothing changed",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<Responses.Scaled> scale(ScaleBody body) {
        return registry.scale(present(body).toRegistryRequest(registry.types()))
                .thenApply(scaled -> Responses.Scaled.of(present(body).serviceName(), scaled));
    }

    @POST
    @RolesAllowed(Role.Names.WRITER)
    @Path("/release")
    @WriteLimited
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "Port management")
    @Operation(summary = "Release a port allocation")
    @APIResponse(responseCode = "200", description = "Released",
            content = @Content(schema = @Schema(implementation = Responses.Done.class)))
    @APIResponse(responseCode = "404", description = "No such allocation",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<Responses.Done> release(ReleaseRequest request) {
        return registry.release(AllocationIds.parse(present(request).allocationId()))
                .thenApply(released -> RELEASED);
    }

    @POST
    @RolesAllowed(Role.Names.WRITER)
    @Path("/heartbeat/{allocation_id}")
    @ReadLimited
    @Tag(name = "Port management")
    @Operation(summary = "Send a heartbeat for an allocation", description = "Revives an Expired allocation.")
    @APIResponse(responseCode = "200", description = "Recorded",
            content = @Content(schema = @Schema(implementation = Responses.Done.class)))
    @APIResponse(responseCode = "404", description = "No such allocation",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<Responses.Done> heartbeat(@PathParam("allocation_id") String allocationId) {
        return registry.heartbeat(AllocationIds.parse(allocationId))
                .thenApply(alive -> ALIVE);
    }

    @POST
    @RolesAllowed(Role.Names.ADMIN)
    @Path("/cleanup")
    @WriteLimited
    @Tag(name = "Port management")
    @Operation(summary = "Remove expired allocations and free their ports",
            description = "Marks Expired what is due, then removes every Expired allocation. force=true also expires"
                    + " what is due on hosts in self-preservation. Takes no body: a request with one is a 400, so"
                    + " that options sent in a body ({\"force\": true}) are not silently left out.")
    public Responses.CleanedUp cleanup(@QueryParam("force") String force, @Context HttpServerRequest http) {
        // Quarkus REST would drop a body unread: {"force": true} would run a cleanup without force and say 200
        if (RequestBodies.announced(http)) {
            throw new InvalidRequestException("POST /ports/cleanup takes no body, and would ignore this one: send"
                    + " the request without it (its one option is a query parameter: ?force=true)");
        }
        boolean forced = QueryParameters.flag("force", force);
        List<AllocationView> removed = registry.cleanup(forced).stream().map(this::view).toList();
        return new Responses.CleanedUp("true", removed.size(), removed,
                "Removed " + removed.size() + " expired allocation" + (removed.size() == 1 ? "" : "s"));
    }

    @GET
    @Path("/directory")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Every service holding a port, keyed by service name",
            description = "Includes Reserved and Expired allocations; their status says which.")
    public Map<String, AllocationView> directory(@QueryParam("host") String host) {
        return byName(registry.onHost(host(host)));
    }

    @GET
    @Path("/service/{service_name}")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Look a service up by name",
            description = "Without host, finds the service on whichever host it runs: one instance (live before"
                    + " Expired, the registry's own host first), and X-Sirsi-Instances says how many there are.")
    @APIResponse(responseCode = "200", description = "The service's allocation",
            headers = @Header(name = INSTANCES_HEADER, description = "How many instances the service has",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(schema = @Schema(implementation = AllocationView.class)))
    @APIResponse(responseCode = "404", description = "No such service",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<Response> service(@PathParam("service_name") String serviceName,
            @QueryParam("host") String host, @Context UriInfo uri) {
        ServiceNames.require(serviceName);
        String on = host == null ? null : host(host);
        if (StaleReads.asked(uri)) {
            StaleRead<List<Allocation>> read = on == null ? registry.instancesStale(serviceName)
                    : StaleReads.listed(registry.byNameStale(serviceName, on));
            return CompletableFuture.completedStage(StaleReads.answer(read,
                    () -> serviceAnswer(serviceName, on, read.answer()), problems));
        }
        CompletionStage<List<Allocation>> found = on == null ? registry.instances(serviceName)
                : registry.byName(serviceName, on).thenApply(one -> one.stream().toList());
        return found.thenApply(instances -> serviceAnswer(serviceName, on, instances).build());
    }

    private Response.ResponseBuilder serviceAnswer(String serviceName, String on, List<Allocation> instances) {
        Response.ResponseBuilder answer = Response.ok().type(WrittenAnswers.TYPE);
        return answer.entity(serviceAnswer(registry, written, serviceName, on, instances, answer::header));
    }

    /**
     * A lookup's answer: the first instance's JSON, and how many there are in {@link #INSTANCES_HEADER}, given to
     * {@code header}; none is a 404. {@link DirectRoutes} answers with it too.
     */
    static byte[] serviceAnswer(PortRegistry registry, WrittenAnswers written, String serviceName, String on,
            List<Allocation> instances, BiConsumer<String, String> header) {
        Allocation first = instances.stream().findFirst().orElseThrow(() -> new NotRegisteredException(
                "no service named '" + serviceName + "' is registered" + (on == null ? "" : " on host " + on)));
        header.accept(INSTANCES_HEADER, Integer.toString(instances.size()));
        return written.lookup(view(registry, first));
    }

    @GET
    @Path("/instances/{service_name}")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Every instance of a service across hosts",
            description = "Live ones (Active, Reserved) first, then Draining, then Expired, then by host; status"
                    + " filters.")
    @APIResponse(responseCode = "404", description = "The service has no instance anywhere",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "200", description = "The service's instances",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = AllocationView.class)))
    public CompletionStage<Response> instances(@PathParam("service_name") String serviceName,
            @QueryParam("status") String status, @Context UriInfo uri) {
        ServiceNames.require(serviceName);
        Predicate<Allocation> wanted = withStatus(status);
        if (StaleReads.asked(uri)) {
            StaleRead<List<Allocation>> read = registry.instancesStale(serviceName);
            return CompletableFuture.completedStage(StaleReads.answer(read,
                    () -> Response.ok(instancesAnswer(serviceName, wanted, read.answer())), problems));
        }
        return registry.instances(serviceName).thenApply(instances -> Response.ok(
                instancesAnswer(serviceName, wanted, instances)).build());
    }

    private List<AllocationView> instancesAnswer(String serviceName, Predicate<Allocation> wanted,
            List<Allocation> instances) {
        if (instances.isEmpty()) {
            throw new NotRegisteredException("service '" + serviceName + "' has no instance on any host");
        }
        return instances.stream().filter(wanted).map(this::view).toList();
    }

    @GET
    @Path("/allocations")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Every allocation on every host (or one), by host and port",
            description = "The directory keys by service name, so it can show one host; this lists them all.")
    public List<AllocationView> allocations(@QueryParam("host") String host, @QueryParam("status") String status) {
        Predicate<Allocation> wanted = withStatus(status);
        List<Allocation> allocations = host == null ? registry.all() : registry.onHost(host(host));
        return allocations.stream().filter(wanted).map(this::view).toList();
    }

    @GET
    @Path("/hosts")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Registry information")
    @Operation(summary = "Every known host: its allocations by status, and per service type the ports in use and"
            + " available; its agent and its maintenance, when it has them",
            description = "host=H keeps that host alone (an empty object when it is not known), as host filters"
                    + " the other reads across hosts.")
    public Map<String, Responses.HostSummary> hosts(@QueryParam("host") String host) {
        Map<String, Responses.HostSummary> hosts = allHosts();
        if (host == null) {
            return hosts;
        }
        String on = host(host);
        return hosts.containsKey(on) ? Map.of(on, hosts.get(on)) : Map.of();
    }

    private Map<String, Responses.HostSummary> allHosts() {
        Map<String, Responses.HostSummary> hosts = new LinkedHashMap<>();
        registry.hostUsage().forEach((host, usage) -> hosts.put(host, Responses.HostSummary.of(usage)));
        Map<String, Integer> unregistered = registry.agents().unregisteredCounts();
        registry.agents().agents().forEach((host, agent) -> hosts.put(host, hosts.getOrDefault(host,
                Responses.HostSummary.empty()).withAgent(HostAgentsResource.status(agent),
                unregistered.getOrDefault(host, 0))));
        registry.maintenances().forEach((host, maintenance) -> hosts.put(host, hosts.getOrDefault(host,
                Responses.HostSummary.empty()).withMaintenance(maintenance)));
        return hosts;
    }

    @GET
    @Path("/port/{port}")
    @ReadLimited
    @Tag(name = "Service discovery")
    @Operation(summary = "Look a service up by the port it holds")
    @APIResponse(responseCode = "404", description = "No service holds the port",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<AllocationView> port(@PathParam("port") String port, @QueryParam("host") String host) {
        int number = parsePort(port);
        String on = host(host);
        return registry.byPort(number, on).thenApply(found -> found.map(this::view)
                .orElseThrow(() -> new NotRegisteredException("no service holds port " + number
                        + (host == null ? "" : " on host " + on))));
    }

    @GET
    @Path("/type/{service_type}")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Every service of a type, by port (empty when there is none)")
    public List<AllocationView> type(@PathParam("service_type") String serviceType,
            @QueryParam("host") String host) {
        return registry.byType(registry.types().parse(serviceType), host(host)).stream().map(this::view).toList();
    }

    @GET
    @Path("/overview")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Every allocation, port usage, services by type and statistics")
    public Responses.Overview overview(@QueryParam("host") String host) {
        List<Allocation> allocations = registry.onHost(host(host)); // one read: the counts agree with the list
        Map<String, String> portUsage = new LinkedHashMap<>();
        Map<String, List<String>> serviceTypes = new TreeMap<>();
        for (Allocation allocation : allocations) {
            portUsage.put(Integer.toString(allocation.port()), allocation.serviceName());
            serviceTypes.computeIfAbsent(allocation.serviceType().wireName(), type -> new ArrayList<>())
                    .add(allocation.serviceName());
        }
        Responses.Stats stats = stats(RegistryStats.of(allocations));
        return new Responses.Overview(allocations.size(), stats.activeAllocations(), byName(allocations), portUsage,
                serviceTypes, stats);
    }

    @GET
    @Path("/stats")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Registry information")
    @Operation(summary = "Counts of allocations by status and by service type")
    public Responses.Stats stats(@QueryParam("host") String host) {
        return stats(registry.stats(host(host)));
    }

    @GET
    @Path("/health")
    @Tag(name = "Registry information")
    @Operation(summary = "Whether the registry and its store work",
            description = "The registry's as a whole: takes no host (a host's counts are /ports/stats?host=H).")
    @APIResponse(responseCode = "200", description = "Healthy",
            content = @Content(schema = @Schema(implementation = Responses.Health.class)))
    @APIResponse(responseCode = "503", description = "Unhealthy: the store cannot be used",
            content = @Content(schema = @Schema(implementation = Responses.Health.class)))
    public Response health(@Parameter(hidden = true) @QueryParam("host") String host) { // read only to refuse it
        if (host != null) {
            // every other read takes host and answers for it; silently answering for every host instead would
            // pass a host's "healthy" for what it is not
            String on = host(host);
            throw new BadRequestException("/ports/health takes no host: it answers for the registry and its store"
                    + " as a whole; a host's counts are /ports/stats?host=" + on + " and /ports/hosts?host=" + on);
        }
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        long timeout = registry.heartbeatTimeout().toSeconds();
        try {
            registry.checkStore();
            int total = registry.stats().total();
            List<String> preserving = registry.selfPreservingHosts();
            List<String> dark = registry.agents().darkHosts();
            return Response.ok(new Responses.Health("healthy", "up", total, uptime, timeout, preserving,
                    registry.defaultHost(), (preserving.isEmpty() ? "Registry is healthy"
                            : "Registry is healthy; holding the allocations of "
                            + String.join(", ", preserving) + " in self-preservation")
                            + (dark.isEmpty() ? "" : "; dark hosts (their agents stopped reporting): "
                            + String.join(", ", dark)), dark)).build();
        } catch (StoreUnavailableException e) {
            // the index holds them while the store is down (lookups still answer): not 0, unless still starting
            int held = registry.isOpen() ? registry.heldNow() : 0;
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(new Responses.Health("unhealthy", "down", held, uptime, timeout,
                            registry.selfPreservingHosts(), registry.defaultHost(), e.getMessage(),
                            registry.agents().darkHosts())).build();
        }
    }

    @GET
    @Path("/ranges")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Registry information")
    @Operation(summary = "The port range of every service type and how much of it is used")
    @APIResponse(responseCode = "200", description = "Keyed by service type: the spec's, then the configured ones",
            content = @Content(schema = @Schema(type = SchemaType.OBJECT,
                    additionalProperties = Responses.Range.class)))
    public CompletionStage<Response> ranges(@QueryParam("host") String host) {
        String on = host(host);
        return registry.rangeUsage(on).thenApply(usages -> Response.ok(rangesAnswer(registry, written, on, usages),
                WrittenAnswers.TYPE).build());
    }

    /** The ranges' answer for a host, as JSON; {@link DirectRoutes} answers with it too. */
    static byte[] rangesAnswer(PortRegistry registry, WrittenAnswers written, String on, List<RangeUsage> usages) {
        return written.ranges(on, usages.stream()
                // a host whose agent reports has its own kernel's ranges; otherwise the registry's machine's, the
                // one it can read
                .map(usage -> registry.agents().kernel(on, usage.range())
                        .map(kernel -> Responses.Range.of(usage, kernel.overlapsEphemeral(), kernel.reservedOnHost()
                                .stream().map(span -> new HostReport.PortSpan(span.first(), span.last())).toList()))
                        .orElseGet(() -> Responses.Range.of(usage,
                                registry.types().overlapsEphemeral(usage.serviceType()))))
                .toList());
    }

    /** The allocations a {@code ?status=} asks for: every one when absent. */
    private static Predicate<Allocation> withStatus(String status) {
        if (status == null) {
            return allocation -> true;
        }
        AllocationStatus wanted = AllocationStatus.parse(status);
        return allocation -> allocation.status() == wanted;
    }

    /** The host a read names ({@code ?host=}), or the registry's own. */
    private String host(String host) {
        return registry.host(Optional.ofNullable(host));
    }

    /** A JSON body, which Quarkus REST passes as null when the request had none (or sent {@code null}). */
    static <T> T present(T body) {
        if (body == null) {
            throw new BadRequestException("request body is required: a JSON object");
        }
        return body;
    }

    private AllocationView view(Allocation allocation) {
        return view(registry, allocation);
    }

    /** An allocation as the API shows it, with what its host's agent sees of its listener. */
    private static AllocationView view(PortRegistry registry, Allocation allocation) {
        return AllocationView.of(allocation, registry.agents().listening(allocation));
    }

    private Map<String, AllocationView> byName(List<Allocation> allocations) {
        return allocations.stream().collect(Collectors.toMap(Allocation::serviceName, this::view,
                (first, second) -> first, LinkedHashMap::new));
    }

    private static Responses.Stats stats(RegistryStats stats) {
        Map<String, Integer> byType = stats.byType().entrySet().stream().collect(Collectors.toMap(
                entry -> entry.getKey().wireName(), Map.Entry::getValue, Integer::sum, TreeMap::new));
        return new Responses.Stats(stats.total(), stats.active(), stats.reserved(), stats.expired(), byType,
                stats.draining());
    }

    /** A port number from a path or query parameter; anything else is a 400. */
    static int parsePort(String text) {
        if (PORT_NUMBER.matcher(text).matches() && PortRange.isValidPort(Integer.parseInt(text))) {
            return Integer.parseInt(text);
        }
        throw new BadRequestException("invalid port '" + text + "': expected a number from 1 to 65535");
    }
}
