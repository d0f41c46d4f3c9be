package io.sirsi.nexus.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.api.ratelimit.ReadLimited;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.ChangeEvent;
import io.sirsi.nexus.registry.ChangeFeed;
import io.sirsi.nexus.registry.EventFilter;
import io.sirsi.nexus.registry.HistoryQuery;
import io.sirsi.nexus.registry.Hosts;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.ServiceNames;
import io.sirsi.nexus.wire.EventView;
import io.sirsi.nexus.wire.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/** The change log over HTTP: a stream of its events as they happen, and its history. Reading needs {@code reader}. */
@Path("/ports")
@RolesAllowed(Role.Names.READER)
@APIResponse(responseCode = "400", description = "Malformed filter",
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class ChangeLogResource {

    private static final Logger LOG = Logger.getLogger(ChangeLogResource.class);
    /** Events a stream may have in flight before the watcher counts as too slow and is dropped (it resumes). */
    private static final int MAX_IN_FLIGHT = 1024;

    private final PortRegistry registry;
    private final ObjectMapper json;

    public ChangeLogResource(PortRegistry registry, ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    @GET
    @Path("/events")
    @ReadLimited
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Tag(name = "Service discovery")
    @Operation(summary = "Follow changes as they happen (Server-Sent Events)",
            description = "Each event: id = its revision, event = its type, data = {revision, type, at, allocation}."
                    + " since=REV starts after that revision (default: from now on); Last-Event-ID resumes a"
                    + " dropped stream. A comment every 15 s keeps idle connections open.")
    @APIResponse(responseCode = "200", description = "The stream",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
    @APIResponse(responseCode = "410", description = "The revision is older than the oldest retained one",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void events(@QueryParam("since") String since, @QueryParam("service") String service,
            @QueryParam("type") String type, @QueryParam("host") String host,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse) {
        // Last-Event-ID is where a dropped stream resumes, so it wins over the since of the first request; a
        // malformed since is refused all the same, as on every endpoint
        Optional<Long> given = Optional.ofNullable(since).map(text -> QueryParameters.revision("since", text));
        Optional<Long> after = Optional.ofNullable(lastEventId).filter(id -> !id.isBlank())
                .map(id -> QueryParameters.revision("Last-Event-ID", id.strip())).or(() -> given);
        EventFilter filter = filter(Optional.ofNullable(service), Optional.empty(), Optional.ofNullable(host),
                Optional.ofNullable(type));
        long start = registry.watchStart(after); // a 410 must come before the stream's headers
        StreamWatcher watcher = new StreamWatcher(sink, sse);
        // The headers and the first comment go out on this thread before the watch exists: no event can be sent
        // meanwhile from the feed's thread (two threads starting one response, one of them fails)
        watcher.opened(start);
        watcher.subscription = registry.watch(start, filter, watcher);
    }

    @GET
    @Path("/history")
    @ReadLimited
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Service discovery")
    @Operation(summary = "What happened to allocations, newest first",
            description = "Filters: service, port, host, type, from and to (ISO-8601 times), limit (default 100,"
                    + " at most 1000).")
    public List<EventView> history(@QueryParam("service") String service, @QueryParam("port") String port,
            @QueryParam("host") String host, @QueryParam("type") String type, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("limit") String limit) {
        HistoryQuery query = new HistoryQuery(filter(Optional.ofNullable(service), Optional.ofNullable(port),
                Optional.ofNullable(host), Optional.ofNullable(type)),
                Optional.ofNullable(from).map(text -> QueryParameters.time("from", text)),
                Optional.ofNullable(to).map(text -> QueryParameters.time("to", text)),
                Optional.ofNullable(limit).map(QueryParameters::historyLimit).orElse(HistoryQuery.DEFAULT_LIMIT));
        return registry.history(query).stream().map(EventView::of).toList();
    }

    private EventFilter filter(Optional<String> service, Optional<String> port, Optional<String> host,
            Optional<String> type) {
        service.ifPresent(ServiceNames::require);
        return new EventFilter(service, port.map(PortsResource::parsePort), host.map(Hosts::parse),
                type.map(registry.types()::parse));
    }

    /** One SSE connection: sends what the feed delivers, and tells the feed when the client is gone or too slow. */
    private final class StreamWatcher implements ChangeFeed.Watcher {

        private final SseEventSink sink;
        private final Sse sse;
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile ChangeFeed.Subscription subscription;

        StreamWatcher(SseEventSink sink, Sse sse) {
            this.sink = sink;
            this.sse = sse;
        }

        /** Sends the response headers at once, with a first comment, so a client knows it is watching. */
        void opened(long after) {
            send(sse.newEventBuilder().comment("watching the change log after revision " + after).build());
        }

        @Override
        public boolean deliver(ChangeEvent event) {
            String data;
            try {
                data = json.writeValueAsString(EventView.of(event));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write event " + event.revision() + " as JSON", e);
            }
            return send(sse.newEventBuilder().id(Long.toString(event.revision())).name(event.type().wireName())
                    .data(data).build());
        }

        /**
         * A comment, and the revision read up to as the event's {@code id} with no data: an EventSource (and the
         * client library) takes the id as its last event id without dispatching an event, as etcd's progress notify,
         * so a filtered watch resumes after the events it passed over, never from before them (they may be pruned).
         */
        @Override
        public boolean keepAlive(long readUpTo) {
            return send(sse.newEventBuilder().comment("keep-alive").id(Long.toString(readUpTo)).build());
        }

        @Override
        public void ended(String why) {
            LOG.debugf("Event stream ended: %s", why);
            close();
        }

        private boolean send(OutboundSseEvent event) {
            if (sink.isClosed()) {
                close();
                return false;
            }
            if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
                LOG.infof("An event stream fell %d events behind and was closed; its client resumes with"
                        + " Last-Event-ID", MAX_IN_FLIGHT);
                close();
                return false;
            }
            sink.send(event).whenComplete((sent, failure) -> {
                inFlight.decrementAndGet();
                if (failure != null) {
                    close();
                }
            });
            return true;
        }

        private void close() {
            ChangeFeed.Subscription watching = subscription;
            if (watching != null) {
                watching.cancel();
            }
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.debugf("Closing an event stream: %s", e.getMessage());
            }
        }
    }
}
