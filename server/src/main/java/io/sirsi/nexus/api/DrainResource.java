package io.sirsi.nexus.api;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import io.sirsi.nexus.api.ratelimit.WriteLimited;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.Durations;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.wire.AllocationIds;
import io.sirsi.nexus.wire.DrainReply;
import io.sirsi.nexus.wire.DrainRequest;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.Responses;
import io.sirsi.nexus.wire.UndrainRequest;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Draining: {@code POST /ports/drain} and {@code POST /ports/undrain}. Apart from {@link PortsResource}, which is at
 * its length; the same path, so the API reads as one.
 */
@Path("/ports")
@RolesAllowed(Role.Names.WRITER)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "400", description = "Malformed request, or a duration or reason out of bounds",
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "404", description = "No such allocation",
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = Problems.UNAVAILABLE_DESCRIPTION,
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class DrainResource {

    private final PortRegistry registry;
    private final SecurityIdentity identity;

    public DrainResource(PortRegistry registry, SecurityIdentity identity) {
        this.registry = registry;
        this.identity = identity;
    }

    /**
     * A host's maintenance is an operator's act, as Consul asks node rights for a node's maintenance and service
     * rights for a service's: it stops new allocations on the whole host. A service drains its own allocation with the
     * writer key it allocated with; a host needs admin.
     */
    private void requireAdminForHost() {
        if (!identity.hasRole(Role.Names.ADMIN)) {
            throw new ForbiddenException("a host's maintenance (drain or undrain with host) needs role admin");
        }
    }

    @POST
    @Path("/drain")
    @WriteLimited
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "Port management")
    @Operation(summary = "Drain an allocation (no new work, then release), or put a host in maintenance",
            description = "At once the allocation is Draining: discovery (instances?status=Active, Prometheus SD)"
                    + " no longer offers it and a draining event is logged. It keeps its port, heartbeats do not end"
                    + " it, and after `for` (default sirsi.ports.drain-timeout) it is released, unless released or"
                    + " undrained before. Draining again sets a new time. With host instead of allocation_id, every"
                    + " allocation of the host drains so, and no new one is made there until the time ends (409).")
    @APIResponse(responseCode = "200", description = "Draining",
            content = @Content(schema = @Schema(implementation = DrainReply.class)))
    @APIResponse(responseCode = "409", description = "A static reservation, which cannot drain",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // a host's maintenance is admitted against the hosts known, which replicas read from their store
    public CompletionStage<DrainReply> drain(DrainRequest request) {
        DrainRequest body = PortsResource.present(request);
        Optional<Duration> drainFor = Optional.ofNullable(body.drainFor()).map(DrainResource::duration);
        Optional<String> reason = Optional.ofNullable(body.reason());
        if (oneOf(body.allocationId(), body.host())) {
            return registry.drain(AllocationIds.parse(body.allocationId()), drainFor, reason)
                    .thenApply(DrainReply::ofAllocation);
        }
        requireAdminForHost();
        return registry.drainHost(body.host(), drainFor, reason).thenApply(DrainReply::ofHost);
    }

    @POST
    @Path("/undrain")
    @WriteLimited
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "Port management")
    @Operation(summary = "Put a Draining allocation, or a host in maintenance, back into service",
            description = "The allocation (or every Draining one of the host) is Active again and offered by"
                    + " discovery; an undrained event is logged for each. A host takes new allocations again.")
    @APIResponse(responseCode = "200", description = "Active again",
            content = @Content(schema = @Schema(implementation = Responses.Done.class)))
    @APIResponse(responseCode = "409", description = "The allocation is not Draining, or the host not in maintenance",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<Responses.Done> undrain(UndrainRequest request) {
        UndrainRequest body = PortsResource.present(request);
        if (oneOf(body.allocationId(), body.host())) {
            return registry.undrain(AllocationIds.parse(body.allocationId()))
                    .thenApply(active -> Responses.Done.of("Undrained: offered by discovery again"));
        }
        requireAdminForHost();
        String host = registry.host(Optional.of(body.host()));
        return registry.undrainHost(host).thenApply(undrained -> Responses.Done.of("Host " + host
                + " out of maintenance; undrained " + undrained.size() + (undrained.size() == 1 ? " allocation"
                : " allocations")));
    }

    /** True for an allocation id, false for a host; exactly one of them is given. */
    private static boolean oneOf(String allocationId, String host) {
        if ((allocationId == null) == (host == null)) {
            throw new BadRequestException("give exactly one of allocation_id (one allocation) and host (a whole"
                    + " host's maintenance)");
        }
        return allocationId != null;
    }

    /** {@code for} as people write it: a whole number and a unit ({@link Durations}). */
    private static Duration duration(String text) {
        return Durations.parse(text).orElseThrow(() -> new BadRequestException(Durations.refusal("for", text)));
    }
}
