package io.sirsi.nexus.api;

import io.quarkus.security.identity.SecurityIdentity;
import io.sirsi.nexus.api.ratelimit.ReadLimited;
import io.sirsi.nexus.api.ratelimit.WriteLimited;
import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.HealthCheck;
import io.sirsi.nexus.registry.HostAgents;
import io.sirsi.nexus.registry.HostObservation;
import io.sirsi.nexus.registry.Hosts;
import io.sirsi.nexus.registry.InvalidRequestException;
import io.sirsi.nexus.registry.PortRange;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.wire.AllocationView;
import io.sirsi.nexus.wire.HostReport;
import io.sirsi.nexus.wire.HostViews;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A host as its agent sees it: the agent's reports ({@code sirsi-nexus agent}, role {@code agent}, only for the
 * hosts its key names) and the registry's reading of them. Reports are limited to
 * {@value BodySizeLimit#REPORT_MAX_BYTES} bytes and {@value HostObservation#MAX_LISTENERS} listeners.
 */
@Path("/ports/hosts/{host}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Host agents")
public class HostAgentsResource {

    private final PortRegistry registry;
    private final SecurityIdentity identity;
    private final ProblemWriter writer;

    public HostAgentsResource(PortRegistry registry, SecurityIdentity identity, ProblemWriter writer) {
        this.registry = registry;
        this.identity = identity;
        this.writer = writer;
    }

    @POST
    @Path("/report")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.Names.AGENT)
    @WriteLimited
    @Operation(summary = "A host agent's full snapshot of its host's listening sockets and port settings",
            description = "Role agent, for a host its key names. The registry reconciles it with the host's"
                    + " allocations; a report never takes or releases a port by itself.")
    public Response report(@PathParam("host") String host, HostReport report) {
        String reporting = Hosts.parse(host);
        Optional<Problem> refused = refusedFor(reporting);
        if (refused.isPresent()) {
            return writer.response(refused.get(), Map.of());
        }
        if (report == null) {
            throw new BadRequestException("request body is required: a JSON object, the agent's report");
        }
        HostAgents.Reconciled reconciled = registry.report(reporting, observation(report));
        List<HostViews.CheckOrder> checks = registry.onHost(reporting).stream()
                .filter(allocation -> allocation.check().isPresent() && !allocation.reserved())
                .map(allocation -> {
                    HealthCheck check = allocation.check().get();
                    return new HostViews.CheckOrder(allocation.allocationId(), allocation.port(),
                            check.kind().wireName(), check.path().orElse(null), check.interval().toMillis(),
                            check.timeout().toMillis());
                }).toList();
        return Response.ok(new HostViews.ReportReceipt(reporting, reconciled.listeners(), reconciled.unregistered(),
                reconciled.notListening(), checks)).build();
    }

    @GET
    @RolesAllowed(Role.Names.READER)
    @ReadLimited
    @BlockingRead
    @Operation(summary = "One host: its agent, the listeners no allocation holds, the allocations not listening")
    public HostViews.HostDetail host(@PathParam("host") String host) {
        String on = registry.host(Optional.of(host));
        HostAgents agents = registry.agents();
        Optional<HostAgents.HostView> seen = agents.host(on);
        if (seen.isEmpty()) {
            return new HostViews.HostDetail(on, null, List.of(), List.of(), null, List.of(), List.of());
        }
        HostAgents.HostView view = seen.get();
        Set<UUID> silent = view.notListening();
        List<AllocationView> notListening = registry.onHost(on).stream()
                .filter(allocation -> silent.contains(allocation.allocationId()))
                .map(allocation -> AllocationView.of(allocation, agents.listening(allocation))).toList();
        HostObservation observed = view.observation();
        return new HostViews.HostDetail(on, status(view.agent()),
                view.unregistered().stream().map(HostAgentsResource::listener).toList(), notListening,
                observed.ephemeralRange().map(HostAgentsResource::span).orElse(null),
                observed.reservedPorts().stream().map(HostAgentsResource::span).toList(), observed.addresses());
    }

    /** An agent's status as the wire shows it. */
    static HostViews.AgentStatus status(HostAgents.AgentStatus agent) {
        return new HostViews.AgentStatus(agent.dark() ? "dark" : "reporting", agent.lastReport(),
                agent.agentVersion(), agent.scannedAt());
    }

    /** A key that names its hosts may report for those alone; the protected mode's local client for any. */
    private Optional<Problem> refusedFor(String host) {
        Set<?> allowed = identity.getAttribute(ApiKeys.AGENT_HOSTS);
        if (allowed == null || allowed.contains(host)) {
            return Optional.empty();
        }
        return Optional.of(Problem.of("forbidden", "Forbidden", 403, "API key '" + identity.getPrincipal().getName()
                + "' may report only for " + String.join(", ", allowed.stream().map(Object::toString).toList())
                + ", not for host '" + host + "'"));
    }

    private static HostObservation observation(HostReport report) {
        List<HostObservation.Listener> listeners = report.listeners() == null ? null : report.listeners().stream()
                .map(listener -> listener == null ? null : new HostObservation.Listener(listener.protocol(),
                        listener.address(), listener.port(), Optional.ofNullable(listener.pid()),
                        Optional.ofNullable(listener.process())))
                .toList();
        return HostObservation.checked(report.agentVersion(), report.scannedAt(), listeners,
                Optional.ofNullable(report.ephemeralRange()).map(span -> range("ephemeral_range", span)),
                report.reservedPorts() == null ? List.of() : report.reservedPorts().stream()
                        .map(span -> range("reserved_ports[]", span)).toList(),
                report.addresses(),
                report.checks() == null ? null : report.checks().stream().map(HostAgentsResource::result).toList());
    }

    private static HostObservation.CheckResult result(HostReport.CheckResult result) {
        if (result == null) {
            return null;
        }
        HealthCheck.Status status = result.status() == null ? null : HealthCheck.Status.fromWireName(result.status())
                .filter(known -> known != HealthCheck.Status.PENDING).orElseThrow(() -> new InvalidRequestException(
                        "a check result's status must be passing, warning or critical, not '"
                                + InvalidRequestException.shown(result.status()) + "'"));
        return new HostObservation.CheckResult(result.allocationId(), status, result.output(), result.ranAt());
    }

    private static PortRange range(String field, HostReport.PortSpan span) {
        try {
            return new PortRange(span.first(), span.last());
        } catch (IllegalArgumentException | NullPointerException invalid) {
            throw new InvalidRequestException(field + ": " + (span == null ? "null" : invalid.getMessage()));
        }
    }

    private static HostReport.PortSpan span(PortRange range) {
        return new HostReport.PortSpan(range.first(), range.last());
    }

    private static HostReport.Listener listener(HostObservation.Listener listener) {
        return new HostReport.Listener(listener.protocol(), listener.address(), listener.port(),
                listener.pid().orElse(null), listener.process().orElse(null));
    }
}
