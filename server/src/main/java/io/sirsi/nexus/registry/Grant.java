package io.sirsi.nexus.registry;

import java.util.Optional;

/**
 * The answer to an allocation request.
 *
 * @param created whether the allocation is new (else the service's existing one, renewed)
 * @param why     why the port is not the one asked for, when it is not
 */
public record Grant(Allocation allocation, boolean created, Optional<String> why) {

    Grant withWhy(String text) {
        return new Grant(allocation, created, Optional.of(text));
    }
}
