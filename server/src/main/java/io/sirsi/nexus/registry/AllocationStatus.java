package io.sirsi.nexus.registry;

/**
 * Where an allocation stands. Every status holds its port; only cleanup of an Expired one frees it. Stored with the
 * allocation and changed only by a logged event.
 */
public enum AllocationStatus {
    /** Heartbeats arrive within the heartbeat timeout. */
    ACTIVE("Active"),
    /** Declared in configuration; never expires and cannot be released over the API. */
    RESERVED("Reserved"),
    /** No heartbeat for longer than the heartbeat timeout; a heartbeat makes it Active again. */
    EXPIRED("Expired"),
    /**
     * Asked to take no new work (POST /ports/drain): not offered by discovery, keeps its port, heartbeats do not end
     * it, and it is released when its drain time ends unless released or undrained earlier. Not in the spec.
     */
    DRAINING("Draining");

    private final String label;

    AllocationStatus(String label) {
        this.label = label;
    }

    /** The spelling on the wire: {@code Active}, {@code Reserved}, {@code Expired}, {@code Draining}. */
    public String label() {
        return label;
    }

    public static java.util.Optional<AllocationStatus> fromLabel(String label) {
        return java.util.Arrays.stream(values()).filter(status -> status.label.equals(label)).findFirst();
    }

    /** Parses a label, failing with a message that lists the valid ones. */
    public static AllocationStatus parse(String label) {
        return fromLabel(label).orElseThrow(() -> new InvalidRequestException("unknown status '" + label
                + "'; expected one of " + java.util.Arrays.stream(values()).map(AllocationStatus::label)
                .collect(java.util.stream.Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return label;
    }
}
