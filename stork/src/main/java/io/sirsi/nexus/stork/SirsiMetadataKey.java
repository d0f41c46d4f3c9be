package io.sirsi.nexus.stork;

import io.smallrye.stork.api.MetadataKey;

/** What a {@code sirsi} instance's Stork metadata holds, from its allocation. */
public enum SirsiMetadataKey implements MetadataKey {
    /** The allocation's id in the registry. */
    META_SIRSI_ALLOCATION_ID("allocation-id"),
    /** The service type it was allocated as. */
    META_SIRSI_SERVICE_TYPE("service-type"),
    /** The registry host it runs on. */
    META_SIRSI_HOST("host"),
    /** When the port was granted. */
    META_SIRSI_ALLOCATED_AT("allocated-at");

    private final String name;

    SirsiMetadataKey(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }
}
