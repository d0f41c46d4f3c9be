package io.sirsi.nexus.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.api.ratelimit.ReadLimited;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.Hosts;
import io.sirsi.nexus.registry.InvalidRequestException;
import io.sirsi.nexus.registry.Offered;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.ServiceType;
import io.sirsi.nexus.wire.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Prometheus HTTP service discovery: every allocation as a scrape target {@code <host>:<port>}, so that Prometheus
 * finds the registered services with an {@code http_sd_configs} entry and no glue. Reading needs role
 * {@code reader} (Prometheus sends the key as a bearer token, {@code authorization} in its config) and spends the
 * client's read budget, like every other GET.
 */
@Path("/ports/sd")
@RolesAllowed(Role.Names.READER)
@Produces(MediaType.APPLICATION_JSON)
public class PrometheusSdResource {

    /** The query parameters this endpoint reads; any other is a typo that would silently widen the answer. */
    private static final Set<String> PARAMETERS = Set.of("type", "host", "status");
    private static final Comparator<Allocation> BY_HOST_AND_PORT =
            Comparator.comparing(Allocation::host).thenComparingInt(Allocation::port);

    private final PortRegistry registry;
    private final ObjectMapper json;

    public PrometheusSdResource(PortRegistry registry, ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    /**
     * One target group per allocation: Prometheus applies a group's labels to all of its targets, and the service,
     * status and allocation id differ from target to target, so a group of several would have to drop them.
     */
    public record TargetGroup(List<String> targets, Map<String, String> labels) {
    }

    @GET
    @Path("/prometheus")
    @ReadLimited
    @Tag(name = "Service discovery")
    @Operation(summary = "Scrape targets for Prometheus HTTP service discovery",
            description = "A JSON array of target groups, one per allocation, each with one target <host>:<port> "
                    + "and the labels __meta_sirsi_service, __meta_sirsi_type, __meta_sirsi_host, "
                    + "__meta_sirsi_status, __meta_sirsi_allocation_id and __meta_sirsi_protocol (tcp or udp: a"
                    + " scrape is HTTP, so drop udp targets with a relabel rule). Active allocations unless status"
                    + " says otherwise; each filter may be repeated to allow several values. An empty array when"
                    + " nothing matches.")
    @APIResponse(responseCode = "200", description = "The target groups (an empty array when none)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = TargetGroup.class)))
    @APIResponse(responseCode = "400", description = "Unknown type or status, malformed host, or unknown parameter",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Parameter(name = "type", in = ParameterIn.QUERY, description = "Service type, e.g. rest-api; repeatable")
    @Parameter(name = "host", in = ParameterIn.QUERY, description = "Host name or address; repeatable")
    @Parameter(name = "status", in = ParameterIn.QUERY,
            description = "Active (the default), Expired, Reserved or Draining; repeatable")
    @QueryParameters.Repeatable({"type", "host", "status"})
    public Response prometheus(@Context UriInfo uri) {
        // read from UriInfo, not @QueryParam: that drops an empty value, and "?type=" would silently mean any type
        MultivaluedMap<String, String> parameters = uri.getQueryParameters();
        rejectUnknownParameters(parameters);
        List<String> types = parameters.getOrDefault("type", List.of());
        List<String> hosts = parameters.getOrDefault("host", List.of());
        List<String> statuses = parameters.getOrDefault("status", List.of());
        Set<ServiceType> wantedTypes = types.stream().map(registry.types()::parse).collect(Collectors.toSet());
        Set<String> wantedHosts = hosts.stream().map(Hosts::parse).collect(Collectors.toSet());
        Set<AllocationStatus> wantedStatuses = statuses.stream().map(AllocationStatus::parse)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(AllocationStatus.class)));
        // an allocation's host is stored in its one form (Hosts.parse), as the wanted ones now are
        Predicate<Allocation> onWantedHost = allocation -> wantedHosts.isEmpty()
                || wantedHosts.contains(allocation.host());
        List<Allocation> candidates = wantedTypes.size() == 1 ? registry.byType(wantedTypes.iterator().next())
                : registry.all();
        List<TargetGroup> groups = candidates.stream()
                .filter(allocation -> wantedTypes.isEmpty() || wantedTypes.contains(allocation.serviceType()))
                .filter(onWantedHost)
                .sorted(BY_HOST_AND_PORT)
                .<TargetGroup>mapMulti((allocation, out) -> {
                    AllocationStatus status = allocation.status();
                    // without a status filter, what discovery offers (the rule DNS answers by too)
                    if (statuses.isEmpty() ? Offered.INSTANCE.test(allocation) : wantedStatuses.contains(status)) {
                        out.accept(targetGroup(allocation, status));
                    }
                })
                .toList();
        return exactlyJson(groups);
    }

    /**
     * The body with {@code Content-Type: application/json} and nothing after it, as the HTTP SD documentation
     * writes it; Quarkus REST would add {@code ;charset=UTF-8} to an entity it serialises itself. JSON is UTF-8.
     */
    private Response exactlyJson(List<TargetGroup> groups) {
        try {
            return Response.ok(json.writeValueAsBytes(groups))
                    .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON).build();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // records of strings always serialise
        }
    }

    private static TargetGroup targetGroup(Allocation allocation, AllocationStatus status) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__meta_sirsi_service", allocation.serviceName());
        labels.put("__meta_sirsi_type", allocation.serviceType().wireName());
        labels.put("__meta_sirsi_host", allocation.host());
        labels.put("__meta_sirsi_status", status.label());
        labels.put("__meta_sirsi_allocation_id", allocation.allocationId().toString());
        labels.put("__meta_sirsi_protocol", allocation.protocol().wireName());
        return new TargetGroup(List.of(target(allocation.host(), allocation.port())), labels);
    }

    /** {@code host:port}, with an IPv6 address in brackets as Prometheus expects. */
    static String target(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static void rejectUnknownParameters(MultivaluedMap<String, String> parameters) {
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new InvalidRequestException("unknown query parameter '" + name
                        + "'; known parameters: host, status, type");
            }
        }
    }
}
