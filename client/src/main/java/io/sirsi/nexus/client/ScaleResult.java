package io.sirsi.nexus.client;

import java.util.List;

/**
 * What a scale did.
 *
 * @param instances every instance the service has now
 * @param added how many were allocated
 * @param removed how many were released
 * @param message the registry's summary, for a person
 */
public record ScaleResult(List<Allocation> instances, int added, int removed, String message) {
}
