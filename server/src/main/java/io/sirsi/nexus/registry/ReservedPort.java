package io.sirsi.nexus.registry;

/**
 * A static reservation as configured ({@code sirsi.ports.static.<service>=<type>:<port>}), read by
 * {@link ConfigConverters.Reservation}; {@link StaticReservations} resolves the type against the catalog.
 */
public record ReservedPort(String typeName, int port) {

    @Override
    public String toString() {
        return typeName + ":" + port;
    }
}
