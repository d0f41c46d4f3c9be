package io.sirsi.nexus.api.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an API key may do. Roles nest: a reader may also read the metrics, a writer is also a reader, an admin also
 * a writer. The nesting is expanded into the identity's role set once, so {@code @RolesAllowed} stays a plain
 * membership test.
 */
public enum Role {

    /** {@code /q/metrics} only: what a Prometheus scrape needs. */
    METRICS(Names.METRICS),
    /** Every GET, and the metrics. */
    READER(Names.READER),
    /** Allocate, release, heartbeat, and everything a reader may. */
    WRITER(Names.WRITER),
    /** Cleanup, and everything a writer may. */
    ADMIN(Names.ADMIN),
    /**
     * A host agent: may report for the hosts its key names ({@code agent:<sha256>:<host>[,<host>...]}) and nothing
     * else, not even read. Outside the nesting: no other role includes it, and it includes none.
     */
    AGENT(Names.AGENT);

    /** The role names as compile-time constants, for {@code @RolesAllowed}. */
    public static final class Names {
        public static final String METRICS = "metrics";
        public static final String READER = "reader";
        public static final String WRITER = "writer";
        public static final String ADMIN = "admin";
        public static final String AGENT = "agent";

        private Names() {
        }
    }

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** This role and every role below it: the role set of an identity holding this role. */
    public Set<String> granted() {
        if (this == AGENT) {
            return Set.of(wireName);
        }
        return Arrays.stream(values()).filter(role -> role != AGENT && role.ordinal() <= ordinal())
                .map(Role::wireName).collect(Collectors.toUnmodifiableSet());
    }

    /** The highest of the given role names, e.g. for saying what a key holds. */
    public static Optional<Role> highest(Set<String> names) {
        return Arrays.stream(values()).filter(role -> names.contains(role.wireName))
                .reduce((lower, higher) -> higher);
    }

    public static Optional<Role> parse(String text) {
        return Arrays.stream(values()).filter(role -> role.wireName.equals(text.toLowerCase(Locale.ROOT)))
                .findFirst();
    }
}
