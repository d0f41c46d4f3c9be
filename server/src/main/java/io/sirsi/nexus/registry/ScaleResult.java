package io.sirsi.nexus.registry;

import java.util.List;

/** The service's instances after scaling, by host, and those the scaling added and released. */
public record ScaleResult(List<Allocation> instances, List<Allocation> added, List<Allocation> removed) {
}
