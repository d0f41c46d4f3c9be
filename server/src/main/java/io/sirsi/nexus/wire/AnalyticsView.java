package io.sirsi.nexus.wire;

import io.sirsi.nexus.registry.UsageAnalytics.TypeUsage;
import io.sirsi.nexus.registry.UsageAnalytics.UsageReport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code GET /ports/analytics}: each range's use over the window, flapping services, reused ports. */
public record AnalyticsView(String window, Instant from, Instant to, String host, long revision,
        Map<String, TypeView> types, List<FlappingView> flapping, List<ReusedPortView> mostReusedPorts) {

    public static AnalyticsView of(String window, UsageReport report) {
        Map<String, TypeView> types = new LinkedHashMap<>();
        report.types().forEach((type, usage) -> types.put(type.wireName(), TypeView.of(usage)));
        return new AnalyticsView(window, report.from(), report.to(), report.host(), report.revision(), types,
                report.flapping().stream().map(f -> new FlappingView(f.serviceName(), f.host(), f.expirations(),
                        f.revivals())).toList(),
                report.mostReusedPorts().stream().map(r -> new ReusedPortView(r.port(), r.allocations(),
                        r.services())).toList());
    }

    /** One type's range over the window. */
    public record TypeView(
            @Schema(description = "ports of the range held now") int inUse,
            @Schema(description = "most ports held at any moment of the window") int peakInUse,
            @Schema(description = "when the peak was first reached; the window's start if nothing held more")
            Instant peakAt,
            int allocations, int releases,
            @Schema(description = "Expired allocations removed by cleanup") int removals,
            int expirations,
            @Schema(nullable = true, description = "of allocations released or removed in the window")
            Double meanLifetimeSeconds,
            @Schema(nullable = true, description = "when the range would be full at the window's net growth; null"
                    + " when it did not grow") Instant exhaustionForecast,
            int firstPort, int lastPort, int size, int available) {

        public static TypeView of(TypeUsage usage) {
            return new TypeView(usage.inUse(), usage.peakInUse(), usage.peakAt(), usage.allocations(),
                    usage.releases(), usage.removals(), usage.expirations(),
                    usage.meanLifetimeSeconds().orElse(null), usage.exhaustionForecast().orElse(null),
                    usage.range().first(), usage.range().last(), usage.range().size(), usage.available());
        }
    }

    /** A service that expired and was revived in the window. */
    public record FlappingView(String serviceName, String host, int expirations, int revivals) {
    }

    /** A port allocated more than once in the window. */
    public record ReusedPortView(int port, int allocations, int services) {
    }
}
