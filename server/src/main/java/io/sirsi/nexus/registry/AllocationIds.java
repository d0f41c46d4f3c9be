package io.sirsi.nexus.registry;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * New allocation ids: UUIDs of version 7 (RFC 9562), the allocation's time in milliseconds in their first 48 bits
 * and 74 random bits after it.
 *
 * <p>Why time first: the store keeps allocations under a unique index on their id, and a random (version 4) id lands
 * on a random page of it. Read from the WAL of a registry under registration load (bench/wal-pages), that index was
 * the one that changed most pages per commit, 4.9 of 19.6, each written to the WAL and fsynced (issue 23). Ids that
 * grow with time are added at the index's end, on the page the previous ones went to. Clients still see an opaque
 * UUID; the random bits keep it unguessable, as a version 4 id is (74 bits against 122).
 */
final class AllocationIds {

    /** Seeded at first use at run time, never in a native image's build. */
    private final SecureRandom random = new SecureRandom();

    /** A new id for an allocation made at this time. */
    UUID next(Instant allocatedAt) {
        byte[] bits = new byte[10];
        random.nextBytes(bits);
        long millis = allocatedAt.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
        long randomA = ((bits[0] & 0xFFL) << 8 | (bits[1] & 0xFFL)) & 0x0FFFL;
        long mostSignificant = millis << 16 | 0x7000L | randomA; // version 7
        long leastSignificant = 0;
        for (int i = 2; i < bits.length; i++) {
            leastSignificant = leastSignificant << 8 | (bits[i] & 0xFFL);
        }
        leastSignificant = leastSignificant & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L; // the RFC's variant
        return new UUID(mostSignificant, leastSignificant);
    }
}
