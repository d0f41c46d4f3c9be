package io.sirsi.nexus.dns;

import io.sirsi.nexus.registry.Allocation;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What the zone is made of, read from the registry's index; an interface so that the wire can be tested alone. */
interface DnsDirectory {

    /** Completes once this replica's index holds every change committed before the call. */
    CompletionStage<Void> fresh();

    /** The service's instances discovery offers, on every host. */
    CompletionStage<List<Allocation>> instances(String serviceName);

    /**
     * Whether an offered service (on the host, if given) has a name ending in {@code .suffix}: a service name may have
     * dots, so {@code v2.service.Z} exists, empty, when {@code api.v2} is a service.
     */
    CompletionStage<Boolean> offersServiceBelow(String suffix, Optional<String> host);

    /** The offered instances of the service type of that name; empty for a type the registry does not have. */
    CompletionStage<List<Allocation>> instancesOfType(String typeName);

    /** The hosts the registry knows: configured ones and those holding ports. */
    List<String> hosts();

    /** The addresses the host's agent reported that other machines can reach it at; empty when none did. */
    List<String> reportedAddresses(String host);

    /** The hosts whose agents reported addresses: their names exist in the zone even while they hold nothing. */
    Collection<String> reportingHosts();

    /** Changes whenever a host's reported addresses do; an answer read before it changed is not reused. */
    long addressesVersion();

    /** The revision of this replica's index, the SOA's serial: it changes when the zone may have. */
    long revision();
}
