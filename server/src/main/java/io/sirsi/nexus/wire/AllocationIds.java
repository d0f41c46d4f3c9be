package io.sirsi.nexus.wire;

import jakarta.ws.rs.BadRequestException;
import java.util.UUID;

/** Allocation ids on the wire: canonical UUIDs, lowercase or uppercase. */
public final class AllocationIds {

    /** The form as a regular expression, for the OpenAPI document; {@link #isCanonical} checks it. */
    public static final String PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    /** What a malformed id is told, by the registry and by the CLI alike. */
    public static final String MALFORMED = "allocation_id must be a UUID, e.g. 3f2b8c1e-9d4a-4e6b-8f0a-1c2d3e4f5a6b";
    private static final int LENGTH = 36;

    private AllocationIds() {
    }

    public static UUID parse(String text) {
        if (text == null) {
            throw new BadRequestException("allocation_id is required");
        }
        if (!isCanonical(text)) {
            throw new BadRequestException(MALFORMED);
        }
        return UUID.fromString(text);
    }

    /**
     * Whether the text matches {@link #PATTERN}, for the registry and the CLI alike: by hand, since every release and
     * heartbeat asks, and the regular expression's matcher cost more than the rest of reading the id
     * (docs/benchmarks.md, issue 23).
     */
    public static boolean isCanonical(String text) {
        if (text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !hexDigit(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
