package io.sirsi.nexus.registry;

import java.util.Optional;

/** Which events a watcher or a history query wants; an empty filter matches every event. */
public record EventFilter(
        Optional<String> serviceName,
        Optional<Integer> port,
        Optional<String> host,
        Optional<ServiceType> serviceType) {

    public static final EventFilter ALL = new EventFilter(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    public boolean matches(ChangeEvent event) {
        Allocation allocation = event.allocation();
        return serviceName.map(allocation.serviceName()::equals).orElse(true)
                && port.map(p -> p == allocation.port()).orElse(true)
                && host.map(allocation.host()::equals).orElse(true)
                && serviceType.map(allocation.serviceType()::equals).orElse(true);
    }
}
