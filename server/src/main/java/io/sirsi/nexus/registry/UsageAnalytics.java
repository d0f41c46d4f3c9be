package io.sirsi.nexus.registry;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a host's ranges were used over a window of time, computed from the change log and the held ports.
 *
 * <p>One pass over the window's events, oldest first, in pages: memory stays flat however many events the window
 * holds (only the per-service and per-port counts grow, with the services and ports seen). What is held now and the
 * log's revision come from one snapshot of the store, and the pass reads the log up to exactly that revision, so the
 * held count at the window's start (now minus the window's net change) and the peak are exact, not off by the
 * changes committed meanwhile.
 *
 * <p>A type's figures are its range's, as in {@code /ports/ranges}: an event counts for the range its port lies in,
 * whatever type the service asked as, so that {@code in_use}, the peak and the forecast describe the same ports.
 */
@ApplicationScoped
public class UsageAnalytics {

    /** Events read at once. */
    static final int PAGE = 1000;
    /** Entries of each top list. */
    static final int TOP = 10;

    private final AllocationStore store;
    private final PortRegistry registry;
    private final RegistryConfig config;
    private final InstantSource clock;
    private final Map<ServiceType, PortRange> ranges;
    private final Set<Integer> reservedPorts;

    public UsageAnalytics(AllocationStore store, PortRegistry registry, RegistryConfig config, ServiceTypes types,
            InstantSource clock) {
        this.store = store;
        this.registry = registry;
        this.config = config;
        this.clock = clock;
        this.ranges = types.ranges();
        this.reservedPorts = config.reservedPorts().orElse(Set.of());
    }

    /** The longest window: the change log keeps nothing older. */
    public Duration maxWindow() {
        return config.history().retention();
    }


    /** The report on the host's use over the window that ends now. */
    public UsageReport report(Duration window, String host) {
        if (window.isNegative() || window.isZero() || window.compareTo(maxWindow()) > 0) {
            throw new InvalidRequestException("invalid window " + window + ": expected more than 0 and at most the"
                    + " history retention, " + maxWindow());
        }
        if (!registry.isOpen()) {
            throw new StoreUnavailableException("the registry is still starting; retry in a moment", null);
        }
        Instant to = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant from = to.minus(window);
        AllocationStore.HeldPorts held = store.heldPorts(host);
        Map<ServiceType, Walk> walks = new LinkedHashMap<>();
        ranges.forEach((type, range) -> walks.put(type, new Walk(range)));
        Map<String, int[]> flaps = new HashMap<>();
        Map<Integer, Reuse> reuse = new HashMap<>();
        Optional<Long> first = store.firstRevisionAt(from);
        long next = first.orElse(held.revision() + 1);
        while (next <= held.revision()) {
            List<ChangeEvent> page = store.hostEvents(host, next, held.revision(), PAGE);
            for (ChangeEvent event : page) {
                walks.values().forEach(walk -> walk.apply(event));
                count(event, flaps, reuse);
            }
            if (page.size() < PAGE) {
                break;
            }
            next = page.get(page.size() - 1).revision() + 1;
        }
        Map<ServiceType, TypeUsage> types = new LinkedHashMap<>();
        Set<Integer> heldPorts = Set.copyOf(held.ports());
        walks.forEach((type, walk) -> types.put(type, walk.usage(heldPorts, from, to)));
        return new UsageReport(from, to, host, held.revision(), types, flapping(flaps, host), mostReused(reuse));
    }

    private static void count(ChangeEvent event, Map<String, int[]> flaps, Map<Integer, Reuse> reuse) {
        Allocation allocation = event.allocation();
        switch (event.type()) {
            case EXPIRED -> flaps.computeIfAbsent(allocation.serviceName(), name -> new int[2])[0]++;
            case REVIVED -> flaps.computeIfAbsent(allocation.serviceName(), name -> new int[2])[1]++;
            case ALLOCATED -> reuse.computeIfAbsent(allocation.port(), port -> new Reuse()).add(allocation);
            default -> {
            }
        }
    }

    /** Services revived at least once (an expiry followed by a revival is one flap), most revivals first. */
    private static List<Flapping> flapping(Map<String, int[]> flaps, String host) {
        return flaps.entrySet().stream().filter(entry -> entry.getValue()[1] > 0)
                .map(entry -> new Flapping(entry.getKey(), host, entry.getValue()[0], entry.getValue()[1]))
                .sorted(Comparator.comparingInt(Flapping::revivals).reversed()
                        .thenComparing(Comparator.comparingInt(Flapping::expirations).reversed())
                        .thenComparing(Flapping::serviceName))
                .limit(TOP).toList();
    }

    /** Ports allocated more than once, those that served the most services first. */
    private static List<ReusedPort> mostReused(Map<Integer, Reuse> reuse) {
        return reuse.entrySet().stream().filter(entry -> entry.getValue().allocations > 1)
                .map(entry -> new ReusedPort(entry.getKey(), entry.getValue().allocations,
                        entry.getValue().services.size()))
                .sorted(Comparator.comparingInt(ReusedPort::services).reversed()
                        .thenComparing(Comparator.comparingInt(ReusedPort::allocations).reversed())
                        .thenComparingInt(ReusedPort::port))
                .limit(TOP).toList();
    }

    private static final class Reuse {
        int allocations;
        final Set<String> services = new HashSet<>();

        void add(Allocation allocation) {
            allocations++;
            services.add(allocation.serviceName());
        }
    }

    /**
     * One range's walk through the window. It knows only changes relative to the window's start (the held count
     * then is found at the end, from what is held now), so it keeps the highest relative count and when it was
     * first reached. A count is taken only once every event of one moment is applied: one commit may free a port
     * and take another, and the moment between them was never real.
     */
    private final class Walk {
        final PortRange range;
        int change;
        int peakChange;
        Instant peakAt;
        Instant moment;
        int allocations;
        int releases;
        int removals;
        int expirations;
        long lifetimeMillis;
        int lifetimes;

        Walk(PortRange range) {
            this.range = range;
        }

        void apply(ChangeEvent event) {
            if (!range.contains(event.allocation().port())) {
                return;
            }
            if (moment != null && !moment.equals(event.at())) {
                settle();
            }
            moment = event.at();
            switch (event.type()) {
                case ALLOCATED -> {
                    allocations++;
                    change++;
                }
                case RESERVED -> change++;
                case RELEASED, REMOVED -> {
                    if (event.type() == EventType.RELEASED) {
                        releases++;
                    } else {
                        removals++;
                    }
                    change--;
                    lifetimes++;
                    lifetimeMillis += Duration.between(event.allocation().allocatedAt(), event.at()).toMillis();
                }
                case UNRESERVED -> change--;
                case EXPIRED -> expirations++;
                case RENEWED, REVIVED, NOT_LISTENING, LISTENING, CHECK_PASSING, CHECK_WARNING, CHECK_CRITICAL -> {
                }
            }
        }

        /** Counts the moment just ended as a candidate for the peak. */
        private void settle() {
            if (change > peakChange) {
                peakChange = change;
                peakAt = moment;
            }
        }

        TypeUsage usage(Set<Integer> heldPorts, Instant from, Instant to) {
            if (moment != null) {
                settle();
            }
            int inUse = (int) heldPorts.stream().filter(range::contains).count();
            int reservedIdle = (int) reservedPorts.stream()
                    .filter(port -> range.contains(port) && !heldPorts.contains(port)).count();
            int available = range.size() - inUse - reservedIdle;
            int atStart = inUse - change;
            Optional<Double> meanLifetime = lifetimes == 0 ? Optional.empty()
                    : Optional.of(lifetimeMillis / (double) lifetimes / 1000.0);
            return new TypeUsage(range, inUse, atStart + peakChange, peakAt == null ? from : peakAt, allocations,
                    releases, removals, expirations, meanLifetime, forecast(change, available, from, to), available);
        }
    }

    /**
     * When the range would be full if it kept growing as it did over the window: its net growth as a steady rate.
     * Empty when it did not grow; now when it is full already.
     */
    static Optional<Instant> forecast(int growth, int available, Instant from, Instant to) {
        if (growth <= 0) {
            return Optional.empty();
        }
        if (available <= 0) {
            return Optional.of(to);
        }
        long windowMillis = Duration.between(from, to).toMillis();
        // available <= 65535 and the window is at most the retention: the product stays far inside a long
        return Optional.of(to.plusMillis(available * windowMillis / growth));
    }

    /** The whole answer; the held counts and the events are as of {@code revision}. */
    public record UsageReport(Instant from, Instant to, String host, long revision, Map<ServiceType, TypeUsage> types,
            List<Flapping> flapping, List<ReusedPort> mostReusedPorts) {
    }

    /**
     * One range over the window. {@code peakInUse} is the most ports held at any moment of it, first reached at
     * {@code peakAt} (the window's start when nothing held more); {@code meanLifetimeSeconds} is that of the
     * allocations released or removed in the window, from their allocation to then.
     */
    public record TypeUsage(PortRange range, int inUse, int peakInUse, Instant peakAt, int allocations, int releases,
            int removals, int expirations, Optional<Double> meanLifetimeSeconds, Optional<Instant> exhaustionForecast,
            int available) {
    }

    /** A service that went quiet long enough to expire and then heartbeated again. */
    public record Flapping(String serviceName, String host, int expirations, int revivals) {
    }

    /** A port allocated more than once in the window, to how many distinct services. */
    public record ReusedPort(int port, int allocations, int services) {
    }
}
