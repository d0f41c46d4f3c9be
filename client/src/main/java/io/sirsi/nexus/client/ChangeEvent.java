package io.sirsi.nexus.client;

import java.time.Instant;

/**
 * One entry of the registry's change log: what happened to an allocation, at which revision. Watches deliver them in
 * revision order; {@link SirsiNexusClient#history} lists them newest first.
 *
 * @param revision the change log's revision of the event, increasing, the resume point of a watch
 * @param type {@code allocated}, {@code renewed}, {@code released}, {@code expired}, {@code revived},
 *        {@code removed}, {@code reserved} or {@code unreserved} (kinds a newer registry adds come through as they are)
 * @param at when it happened
 * @param allocation the allocation after the change (for {@code released} and {@code removed}: as it was)
 */
public record ChangeEvent(long revision, String type, Instant at, Allocation allocation) {

    /** Whether after this event the allocation no longer exists or no longer serves: it left the live set. */
    public boolean ends() {
        return switch (type) {
            case "released", "removed", "unreserved", "expired" -> true;
            default -> false;
        };
    }
}
