package io.sirsi.nexus.registry;

/** Where an allocation stands. Every status holds its port; only cleanup of an Expired one frees it. */
public enum AllocationStatus {
    /** Heartbeats arrive within the heartbeat timeout. */
    ACTIVE("Active"),
    /** Declared in configuration; never expires and cannot be released over the API. */
    RESERVED("Reserved"),
    /** No heartbeat for longer than the heartbeat timeout; a heartbeat makes it Active again. */
    EXPIRED("Expired");

    private final String label;

    AllocationStatus(String label) {
        this.label = label;
    }

    /** The spelling on the wire: {@code Active}, {@code Reserved}, {@code Expired}. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
