package io.sirsi.nexus.stork;

import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.WatchOptions;

/**
 * Which allocations are instances to call: the service's, Active (heartbeating: neither Expired nor a static
 * reservation), on the configured host and of the configured type when those are set.
 */
record InstanceFilter(String service, String host, String type) {

    boolean accepts(Allocation allocation) {
        return allocation.active() && allocation.serviceName().equals(service)
                && (host == null || host.equalsIgnoreCase(allocation.host()))
                && (type == null || type.equals(allocation.serviceType()));
    }

    /** The change stream filtered by the registry to what could concern these instances. */
    WatchOptions watch() {
        return WatchOptions.fromNow().withService(service).withHost(host).withType(type);
    }
}
