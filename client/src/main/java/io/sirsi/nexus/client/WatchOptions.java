package io.sirsi.nexus.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which changes a watch follows, and from where. {@link #fromNow()} follows every change from the moment it connects.
 *
 * @param service only this service's events
 * @param type only events of this service type
 * @param host only events on this host
 * @param since start after this revision (an earlier answer's revision) rather than now
 */
public record WatchOptions(String service, String type, String host, Long since) {

    /** Every change, from when the watch connects. */
    public static WatchOptions fromNow() {
        return new WatchOptions(null, null, null, null);
    }

    /** These options, for one service. */
    public WatchOptions withService(String service) {
        return new WatchOptions(service, type, host, since);
    }

    /** These options, for one service type. */
    public WatchOptions withType(String type) {
        return new WatchOptions(service, type, host, since);
    }

    /** These options, for one host. */
    public WatchOptions withHost(String host) {
        return new WatchOptions(service, type, host, since);
    }

    /** These options, starting after this revision: nothing after it is missed. */
    public WatchOptions since(long revision) {
        return new WatchOptions(service, type, host, revision);
    }

    Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("service", service);
        parameters.put("type", type);
        parameters.put("host", host);
        return parameters;
    }
}
