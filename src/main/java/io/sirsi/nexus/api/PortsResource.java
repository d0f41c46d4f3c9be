package io.sirsi.nexus.api;

import io.sirsi.nexus.api.ratelimit.ReadLimited;
import io.sirsi.nexus.api.ratelimit.WriteLimited;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.NotRegisteredException;
import io.sirsi.nexus.registry.PortRange;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.RangeUsage;
import io.sirsi.nexus.registry.RegistryStats;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.registry.StoreUnavailableException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The spec's REST API. Thin: parses, asks the {@link PortRegistry}, shapes the answer. Reading needs role
 * {@code reader}, changing allocations {@code writer}, cleanup {@code admin} (see {@link Role}). Every endpoint
 * but the health check spends the client's read or write rate-limit budget.
 */
@Path("/ports")
@RolesAllowed(Role.Names.READER)
@Revisioned
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "400", description = "Malformed request",
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = "The registry's store is unavailable; nothing changed",
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class PortsResource {

    private static final Pattern PORT_NUMBER = Pattern.compile("\\d{1,5}");

    private final PortRegistry registry;

    public PortsResource(PortRegistry registry) {
        this.registry = registry;
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
        return registry.allocate(present(request).toRegistryRequest())
                .thenApply(grant -> new Responses.Allocated(true, view(grant.allocation()), grant.created()
                        ? "Port allocated successfully" : "Service already holds this port; allocation renewed"));
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
                .thenApply(released -> Responses.Done.of("Port released successfully"));
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
                .thenApply(alive -> Responses.Done.of("Heartbeat successful"));
    }

    @POST
    @RolesAllowed(Role.Names.ADMIN)
    @Path("/cleanup")
    @WriteLimited
    @Tag(name = "Port management")
    @Operation(summary = "Remove expired allocations and free their ports",
            description = "Marks Expired what is due, then removes every Expired allocation. force=true also expires"
                    + " what is due on hosts in self-preservation.")
    public Responses.CleanedUp cleanup(@QueryParam("force") String force) {
        boolean forced = force != null && switch (force) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadRequestException("invalid force '" + force + "': expected true or false");
        };
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
    public Map<String, AllocationView> directory() {
        return byName(registry.all());
    }

    @GET
    @Path("/service/{service_name}")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Look a service up by name")
    @APIResponse(responseCode = "404", description = "No such service",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<AllocationView> service(@PathParam("service_name") String serviceName) {
        ServiceNames.require(serviceName);
        return registry.byName(serviceName).thenApply(found -> found.map(this::view)
                .orElseThrow(() -> new NotRegisteredException("no service named '" + serviceName + "' is registered")));
    }

    @GET
    @Path("/port/{port}")
    @ReadLimited
    @Tag(name = "Service discovery")
    @Operation(summary = "Look a service up by the port it holds")
    @APIResponse(responseCode = "404", description = "No service holds the port",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<AllocationView> port(@PathParam("port") String port) {
        int number = parsePort(port);
        return registry.byPort(number).thenApply(found -> found.map(this::view)
                .orElseThrow(() -> new NotRegisteredException("no service holds port " + number)));
    }

    @GET
    @Path("/type/{service_type}")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Every service of a type, by port (empty when there is none)")
    public List<AllocationView> type(@PathParam("service_type") String serviceType) {
        return registry.byType(ServiceType.parse(serviceType)).stream().map(this::view).toList();
    }

    @GET
    @Path("/overview")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Service discovery")
    @Operation(summary = "Every allocation, port usage, services by type and statistics")
    public Responses.Overview overview() {
        List<Allocation> allocations = registry.all();
        Map<String, String> portUsage = new LinkedHashMap<>();
        Map<String, List<String>> serviceTypes = new TreeMap<>();
        for (Allocation allocation : allocations) {
            portUsage.put(Integer.toString(allocation.port()), allocation.serviceName());
            serviceTypes.computeIfAbsent(allocation.serviceType().wireName(), type -> new ArrayList<>())
                    .add(allocation.serviceName());
        }
        Responses.Stats stats = stats(registry.stats());
        return new Responses.Overview(allocations.size(), stats.activeAllocations(), byName(allocations), portUsage,
                serviceTypes, stats);
    }

    @GET
    @Path("/stats")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Registry information")
    @Operation(summary = "Counts of allocations by status and by service type")
    public Responses.Stats stats() {
        return stats(registry.stats());
    }

    @GET
    @Path("/health")
    @Tag(name = "Registry information")
    @Operation(summary = "Whether the registry and its store work")
    @APIResponse(responseCode = "200", description = "Healthy",
            content = @Content(schema = @Schema(implementation = Responses.Health.class)))
    @APIResponse(responseCode = "503", description = "Unhealthy: the store cannot be used",
            content = @Content(schema = @Schema(implementation = Responses.Health.class)))
    public Response health() {
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        long timeout = registry.heartbeatTimeout().toSeconds();
        try {
            registry.checkStore();
            int total = registry.stats().total();
            List<String> preserving = registry.selfPreservingHosts();
            return Response.ok(new Responses.Health("healthy", "up", total, uptime, timeout, preserving,
                    preserving.isEmpty() ? "Registry is healthy" : "Registry is healthy; holding the allocations of "
                            + String.join(", ", preserving) + " in self-preservation")).build();
        } catch (StoreUnavailableException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(new Responses.Health("unhealthy", "down", 0, uptime, timeout,
                            registry.selfPreservingHosts(), e.getMessage())).build();
        }
    }

    @GET
    @Path("/ranges")
    @ReadLimited
    @BlockingRead
    @Tag(name = "Registry information")
    @Operation(summary = "The port range of every service type and how much of it is used")
    public CompletionStage<Map<String, Responses.Range>> ranges() {
        return registry.rangeUsage().thenApply(usages -> {
            Map<String, Responses.Range> ranges = new LinkedHashMap<>();
            for (RangeUsage usage : usages) {
                ranges.put(usage.serviceType().wireName(), new Responses.Range(usage.serviceType().wireName(),
                        usage.range().first(), usage.range().last(), usage.range().size(), usage.held(),
                        usage.reserved(), usage.available(), usage.cooling()));
            }
            return ranges;
        });
    }

    /** A JSON body, which Quarkus REST passes as null when the request had none (or sent {@code null}). */
    private static <T> T present(T body) {
        if (body == null) {
            throw new BadRequestException("request body is required: a JSON object");
        }
        return body;
    }

    private AllocationView view(Allocation allocation) {
        return AllocationView.of(allocation);
    }

    private Map<String, AllocationView> byName(List<Allocation> allocations) {
        return allocations.stream().collect(Collectors.toMap(Allocation::serviceName, this::view,
                (first, second) -> first, LinkedHashMap::new));
    }

    private static Responses.Stats stats(RegistryStats stats) {
        Map<String, Integer> byType = stats.byType().entrySet().stream().collect(Collectors.toMap(
                entry -> entry.getKey().wireName(), Map.Entry::getValue, Integer::sum, TreeMap::new));
        return new Responses.Stats(stats.total(), stats.active(), stats.reserved(), stats.expired(), byType);
    }

    /** A port number from a path or query parameter; anything else is a 400. */
    static int parsePort(String text) {
        if (PORT_NUMBER.matcher(text).matches() && PortRange.isValidPort(Integer.parseInt(text))) {
            return Integer.parseInt(text);
        }
        throw new BadRequestException("invalid port '" + text + "': expected a number from 1 to 65535");
    }
}
