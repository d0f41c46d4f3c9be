package io.sirsi.nexus.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;

/**
 * How the API's records are named on the wire: snake_case, as the spec writes them. The registry's object mapper
 * ({@link StrictJson}) and the CLI's both take it from here, so the records are the one statement of the contract.
 * Plain Jackson, nothing of Quarkus: the CLI loads it without booting the application.
 */
public final class WireFormat {

    /** {@code serviceName} is {@code service_name}. */
    public static final PropertyNamingStrategy NAMING = PropertyNamingStrategies.SNAKE_CASE;

    private WireFormat() {
    }
}
