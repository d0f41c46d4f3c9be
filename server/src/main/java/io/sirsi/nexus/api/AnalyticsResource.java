package io.sirsi.nexus.api;

import io.sirsi.nexus.api.ratelimit.ReadLimited;
import io.sirsi.nexus.api.security.Role;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.UsageAnalytics;
import io.sirsi.nexus.wire.AnalyticsView;
import io.sirsi.nexus.wire.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Usage analytics over a window of the change log: {@code GET /ports/analytics}. Reading needs {@code reader}. */
@Path("/ports")
@RolesAllowed(Role.Names.READER)
@APIResponse(responseCode = "400", description = "Malformed window or host",
        content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class AnalyticsResource {

    static final String DEFAULT_WINDOW = "24h";
    private static final List<String> WINDOW_UNITS = List.of("s", "m", "h", "d");

    private final UsageAnalytics analytics;
    private final PortRegistry registry;

    public AnalyticsResource(UsageAnalytics analytics, PortRegistry registry) {
        this.analytics = analytics;
        this.registry = registry;
    }

    @GET
    @Path("/analytics")
    @ReadLimited
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Registry information")
    @Operation(summary = "How each range was used over a window: peak, churn, lifetimes, exhaustion forecast",
            description = "window: 30m, 24h, 7d... (default 24h, at most the history retention); host: default the"
                    + " registry's own. Computed from the change log: costs one read of the window's events.")
    public AnalyticsView analytics(@QueryParam("window") String window, @QueryParam("host") String host) {
        String windowText = window == null ? DEFAULT_WINDOW : window;
        Duration duration = parseWindow(windowText);
        String hostName = registry.host(Optional.ofNullable(host));
        return AnalyticsView.of(windowText, analytics.report(duration, hostName));
    }

    /** {@code 30m}, {@code 24h}, {@code 7d}: a positive whole number of seconds, minutes, hours or days. */
    private Duration parseWindow(String text) {
        return QueryParameters.duration("window", text, WINDOW_UNITS, Duration.ofSeconds(1), analytics.maxWindow(),
                "a duration such as 30m, 24h or 7d (s, m, h or d), more than 0 and at most the history retention, "
                        + days(analytics.maxWindow()));
    }

    /** The retention as an operator configured it, roughly: {@code 7d}, {@code 36h}, {@code 90m}. */
    private static String days(Duration duration) {
        if (duration.toSeconds() % 86400 == 0) {
            return duration.toDays() + "d";
        }
        if (duration.toSeconds() % 3600 == 0) {
            return duration.toHours() + "h";
        }
        return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + "m" : duration.toSeconds() + "s";
    }
}
