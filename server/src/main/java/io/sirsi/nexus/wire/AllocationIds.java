package io.sirsi.nexus.wire;

import jakarta.ws.rs.BadRequestException;
import java.util.UUID;
import java.util.regex.Pattern;

/** Allocation ids on the wire: canonical UUIDs, lowercase or uppercase. */
public final class AllocationIds {

    public static final String PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    /** What a malformed id is told, by the registry and by the CLI alike. */
    public static final String MALFORMED = "allocation_id must be a UUID, e.g. 3f2b8c1e-9d4a-4e6b-8f0a-1c2d3e4f5a6b";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private AllocationIds() {
    }

    public static UUID parse(String text) {
        if (text == null) {
            throw new BadRequestException("allocation_id is required");
        }
        if (!COMPILED.matcher(text).matches()) {
            throw new BadRequestException(MALFORMED);
        }
        return UUID.fromString(text);
    }
}
