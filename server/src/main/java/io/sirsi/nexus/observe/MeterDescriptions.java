package io.sirsi.nexus.observe;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Help texts for the registry's event counters, which {@link RegistryMeters} creates without one. Prometheus shows
 * the help text next to the metric, and {@code promtool check metrics} (run by {@code .ci/run}) reports every
 * metric that has none. A counter given a description where it is created keeps its own.
 */
public class MeterDescriptions {

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "sirsi.allocations.granted", "Allocations granted (new ones, not a service asking again), by service type"
                    + " and host",
            "sirsi.allocations.released", "Allocations released: by their service, or by the registry (a drain's"
                    + " end, a move off an avoided port, an agent's not-listening release)",
            "sirsi.heartbeats", "Heartbeats received",
            "sirsi.allocations.expired", "Expired allocations removed by cleanup, freeing their ports",
            "sirsi.allocations.conflicts", "Allocations refused with a conflict, by reason",
            "sirsi.changes", "Change-log events this process committed, by event type");

    @Produces
    @Singleton
    MeterFilter describeRegistryCounters() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = DESCRIPTIONS.get(id.getName());
                if (description == null || id.getDescription() != null) {
                    return id;
                }
                return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()),
                        id.getBaseUnit(), description, id.getType());
            }
        };
    }
}
