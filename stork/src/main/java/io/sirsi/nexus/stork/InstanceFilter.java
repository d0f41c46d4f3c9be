package io.sirsi.nexus.stork;

import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.WatchOptions;

/**
 * Which allocations are instances to call: the service's, offered by the registry's own rule ({@link
 * Allocation#offered()}: Active, its check not critical, as in the registry's DNS answers and Prometheus SD), on the
 * configured host and of the configured type when those are set. Never a {@code udp} one: Stork's clients (REST,
 * gRPC) connect over TCP, and a service's port for datagrams would refuse them.
 */
record InstanceFilter(String service, String host, String type) {

    boolean accepts(Allocation allocation) {
        return allocation.offered() && allocation.serviceName().equals(service) && !"udp".equals(allocation.protocol())
                && (host == null || host.equalsIgnoreCase(allocation.host()))
                && (type == null || type.equals(allocation.serviceType()));
    }

    /** The change stream filtered by the registry to what could concern these instances. */
    WatchOptions watch() {
        return WatchOptions.fromNow().withService(service).withHost(host).withType(type);
    }
}
