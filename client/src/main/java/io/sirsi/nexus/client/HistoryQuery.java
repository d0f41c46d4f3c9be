package io.sirsi.nexus.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which change-log events {@link SirsiNexusClient#history} lists: every filter is optional; {@link #all()} is the
 * newest 100 of any kind.
 *
 * @param service only this service's events
 * @param port only events of this port
 * @param host only events on this host
 * @param type only events of this service type
 * @param from only events at or after this time
 * @param to only events before this time
 * @param limit at most this many (the registry's default 100, its most 1000)
 */
public record HistoryQuery(String service, Integer port, String host, String type, Instant from, Instant to,
        Integer limit) {

    /** No filter. */
    public static HistoryQuery all() {
        return new HistoryQuery(null, null, null, null, null, null, null);
    }

    /** This query, for one service. */
    public HistoryQuery withService(String service) {
        return new HistoryQuery(service, port, host, type, from, to, limit);
    }

    /** This query, for one port. */
    public HistoryQuery withPort(int port) {
        return new HistoryQuery(service, port, host, type, from, to, limit);
    }

    /** This query, for one host. */
    public HistoryQuery withHost(String host) {
        return new HistoryQuery(service, port, host, type, from, to, limit);
    }

    /** This query, for one service type. */
    public HistoryQuery withType(String type) {
        return new HistoryQuery(service, port, host, type, from, to, limit);
    }

    /** This query, between two times (either may be null). */
    public HistoryQuery between(Instant from, Instant to) {
        return new HistoryQuery(service, port, host, type, from, to, limit);
    }

    /** This query, listing at most this many events. */
    public HistoryQuery withLimit(int limit) {
        return new HistoryQuery(service, port, host, type, from, to, limit);
    }

    Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("service", service);
        parameters.put("port", port);
        parameters.put("host", host);
        parameters.put("type", type);
        parameters.put("from", from);
        parameters.put("to", to);
        parameters.put("limit", limit);
        return parameters;
    }
}
