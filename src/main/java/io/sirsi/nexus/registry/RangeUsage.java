package io.sirsi.nexus.registry;

/** How a service type's range is used: ports held by allocations, reserved by configuration, and still free. */
public record RangeUsage(ServiceType serviceType, PortRange range, int held, int reserved) {

    public int available() {
        return range.size() - held - reserved;
    }

    /** Share of the range that cannot be handed out, 0.0 to 1.0. */
    public double utilisation() {
        return (double) (held + reserved) / range.size();
    }
}
