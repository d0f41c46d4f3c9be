package io.sirsi.nexus.registry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The ports the configuration reserves on the registry's own host ({@code sirsi.ports.static.<service>=<type>:<port>}):
 * read, checked, and made the stored allocations agree with them at start.
 */
final class StaticReservations {

    private static final Logger LOG = Logger.getLogger(StaticReservations.class);

    private final Map<String, Reservation> declared = new LinkedHashMap<>();
    private final String host;

    /** Refuses a reservation whose name or type is not known here, before the store is opened. */
    StaticReservations(Map<String, ReservedPort> configured, ServiceTypes types, String host) {
        configured.forEach((name, port) -> declared.put(name, Reservation.resolve(name, port, types)));
        this.host = host;
    }

    /**
     * Reserves every configured port and frees those of reservations no longer configured; refuses to start (an
     * {@link IllegalStateException}) when an allocation holds a port the configuration reserves for another.
     */
    void apply(ChangeSet changes) {
        PortTable ports = changes.table(host);
        List<Allocation> undeclared = ports.all().stream()
                .filter(allocation -> allocation.reserved() && !declared.containsKey(allocation.serviceName()))
                .toList();
        changes.remove(undeclared, EventType.UNRESERVED);
        undeclared.forEach(allocation -> changes.onCommit(() -> LOG.infof("Static reservation %s of port %d is no"
                + " longer configured; port freed", allocation.serviceName(), allocation.port())));

        Instant now = changes.now();
        for (Reservation reservation : declared.values()) {
            Optional<Allocation> current = ports.byName(reservation.serviceName());
            Optional<Allocation> holder = ports.byPort(reservation.port());
            if (current.isPresent() && current.get().reserved() && current.get().port() == reservation.port()
                    && current.get().serviceType().equals(reservation.serviceType())) {
                continue;
            }
            if (holder.isPresent() && !holder.get().serviceName().equals(reservation.serviceName())) {
                throw new IllegalStateException("sirsi.ports.static." + reservation.serviceName() + " reserves port "
                        + reservation.port() + ", which allocation " + holder.get().allocationId() + " of service '"
                        + holder.get().serviceName() + "' holds; release it or reserve another port");
            }
            if (current.isPresent() && !current.get().reserved() && current.get().port() != reservation.port()) {
                throw new IllegalStateException("sirsi.ports.static." + reservation.serviceName() + " reserves port "
                        + reservation.port() + ", but the service already holds port " + current.get().port()
                        + " (allocation " + current.get().allocationId() + "); release it or reserve that port");
            }
            Allocation allocation = new Allocation(reservation.allocationId(), host, reservation.port(),
                    reservation.serviceName(), reservation.serviceType(), Optional.empty(),
                    current.map(Allocation::allocatedAt).orElse(now), now, AllocationStatus.RESERVED);
            current.ifPresent(previous -> changes.remove(List.of(previous), EventType.UNRESERVED));
            changes.add(allocation, EventType.RESERVED);
            changes.onCommit(() -> LOG.infof("Static reservation: port %d for %s (%s)", reservation.port(),
                    reservation.serviceName(), reservation.serviceType()));
        }
    }

    private record Reservation(String serviceName, ServiceType serviceType, int port) {

        /**
         * The configured port with its type found in the catalog; the text was read by
         * {@link ConfigConverters.Reservation}, but which types exist only the catalog knows.
         */
        static Reservation resolve(String name, ReservedPort configured, ServiceTypes types) {
            String key = "sirsi.ports.static." + name;
            if (!ServiceNames.isValid(name)) {
                throw new IllegalArgumentException(key + ": invalid service name; " + ServiceNames.RULE);
            }
            ServiceType type = types.find(configured.typeName()).orElseThrow(() -> new IllegalArgumentException(
                    key + "=" + configured + ": unknown service type; expected one of " + types.wireNames()));
            return new Reservation(name, type, configured.port());
        }

        /** Stable across restarts, so clients may keep it. */
        UUID allocationId() {
            return UUID.nameUUIDFromBytes(("sirsi-nexus static " + serviceName).getBytes(StandardCharsets.UTF_8));
        }
    }
}
