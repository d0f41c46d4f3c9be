package io.sirsi.nexus.registry;

/**
 * How a service type's range is used: ports held by allocations, reserved by configuration, and still free; of
 * the free ones, how many are cooling (freed within the reuse delay, kept from other services for now).
 */
public record RangeUsage(ServiceType serviceType, PortRange range, int held, int reserved, int cooling) {

    public int available() {
        return range.size() - held - reserved;
    }

    /** Share of the range that cannot be handed out, 0.0 to 1.0. */
    public double utilisation() {
        return (double) (held + reserved) / range.size();
    }
}
