package io.sirsi.nexus.registry;

import java.util.Arrays;
import java.util.Optional;

/** What happened to an allocation; one event per affected allocation and committed change. */
public enum EventType {
    /** A port was granted to a service. */
    ALLOCATED,
    /** The same service asked again and kept its allocation. */
    RENEWED,
    /** The service released its port. */
    RELEASED,
    /** No heartbeat within the heartbeat timeout: the allocation is Expired, and still holds its port. */
    EXPIRED,
    /** A heartbeat reached an Expired allocation: it is Active again. */
    REVIVED,
    /** Cleanup removed an Expired allocation and freed its port. */
    REMOVED,
    /** A static reservation from configuration was applied. */
    RESERVED,
    /** A static reservation left the configuration; its port is free. */
    UNRESERVED,
    /** The allocation was asked to take no new work: it is Draining, keeps its port, and discovery leaves it out. */
    DRAINING,
    /** A Draining allocation was put back into service: it is Active again. */
    UNDRAINED,
    /**
     * The host's agent saw no listener on an Active allocation's port in {@code not-listening-after} reports in a
     * row. An observation, not a change of the allocation: it keeps its status and its port.
     */
    NOT_LISTENING,
    /** The host's agent sees a listener again on the port of an allocation that was not listening. */
    LISTENING,
    /** The allocation's check passes (after {@code check-passes-before-passing} passes in a row). */
    CHECK_PASSING,
    /** The allocation's check warns (an HTTP 429): still offered by discovery. */
    CHECK_WARNING,
    /** The allocation's check failed {@code check-failures-before-critical} times in a row: discovery leaves it out. */
    CHECK_CRITICAL;

    /** The event that says a check's status became this one. */
    static EventType ofCheck(HealthCheck.Status status) {
        return switch (status) {
            case PASSING -> CHECK_PASSING;
            case WARNING -> CHECK_WARNING;
            case CRITICAL -> CHECK_CRITICAL;
            case PENDING -> throw new IllegalArgumentException("a check never becomes pending again");
        };
    }

    /** The spelling on the wire and in the store: {@code allocated}, {@code renewed}, ... */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<EventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName().equals(name)).findFirst();
    }

    /** The type names, for error messages. */
    public static String wireNames() {
        return String.join(", ", Arrays.stream(values()).map(EventType::wireName).toList());
    }

    /** Whether the allocation holds no port any more after this event. */
    public boolean freesPort() {
        return this == RELEASED || this == REMOVED || this == UNRESERVED;
    }

    @Override
    public String toString() {
        return wireName();
    }
}
