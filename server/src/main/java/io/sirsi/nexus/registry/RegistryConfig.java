package io.sirsi.nexus.registry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The registry's settings, under {@code sirsi.ports}. Every key is listed in the README. */
@ConfigMapping(prefix = "sirsi.ports")
public interface RegistryConfig {

    /**
     * Where allocations are stored: {@code sqlite}, the embedded file in {@link #dataDir()} for one registry
     * process, or {@code postgresql}, the datasource named {@code postgresql}, which several replicas share.
     */
    // Its default (sqlite) is application.properties', beside the datasources' active flags made from this key: a
    // build with that file and none of this code (bench/server-startup's baseline) resolves them the same way.
    @WithConverter(ConfigConverters.Store.class)
    StoreKind store();

    /** The stores {@link #store()} chooses from. */
    enum StoreKind {
        /** One process, the database file in the data directory; lookups are answered from memory. */
        SQLITE,
        /** A PostgreSQL database that several registry processes may share; lookups read the database. */
        POSTGRESQL;

        /** As the setting writes it. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Directory of the embedded SQLite database ({@code registry.db}); created on start. Unused with PostgreSQL. */
    String dataDir();

    /**
     * The registry's own host: what a request without a {@code host} means, and the one host the bind check can
     * see. Ports and service names are unique per host.
     */
    @WithDefault("localhost")
    String host();

    /**
     * When set, the only hosts a request may name (the registry's own must be among them); unset, any valid host
     * name is accepted.
     */
    Optional<List<String>> hosts();

    /**
     * Without {@link #hosts()}, at most this many hosts known at once (the registry's own and those holding
     * allocations): an allocation on one more host is refused with 409. A host whose allocations are all gone no
     * longer counts.
     */
    @WithDefault("1024")
    int maxHosts();

    /** How a new allocation's port is chosen: {@code first-free}, {@code random}, {@code same-port}, {@code sticky}. */
    @WithDefault("first-free")
    @WithConverter(ConfigConverters.Strategy.class)
    PlacementStrategy strategy();

    /** How long an allocation stays Active without a heartbeat before it is Expired. */
    @WithDefault("30s")
    Duration heartbeatTimeout();

    /** How often expired allocations are removed and their ports freed. */
    @WithDefault("10s")
    Duration cleanupInterval();

    /**
     * How often the registry looks for allocations whose heartbeat timeout has passed, marks them Expired and logs an
     * {@code expired} event: an allocation turns Expired at most this long after its timeout.
     */
    @WithDefault("1s")
    Duration expiryInterval();

    /**
     * How long a drained allocation (POST /ports/drain without {@code for}) keeps its port, taking no new work,
     * before it is released.
     */
    @WithDefault("5m")
    Duration drainTimeout();

    /** When the registry holds a host's allocations instead of expiring them: see {@link SelfPreservation}. */
    SelfPreservation selfPreservation();

    /**
     * Self-preservation, per host: when more than {@link #threshold()} of a host's non-reserved allocations have gone
     * quiet together, the host has far likelier lost its network to the registry (or a clock jumped) than half its
     * services died at once; the registry then expires nothing on it until its heartbeats come back.
     */
    interface SelfPreservation {
        /** Share of a host's allocations, 0 to 1; {@code 1} turns self-preservation off. */
        @WithDefault("0.5")
        double threshold();
    }

    /**
     * How long a port freed by a release, expiry or cleanup is kept from other services on its host (stale clients
     * and connection-tracking entries still point at it); the same service gets it back at once. {@code 0s}: off.
     */
    @WithDefault("60s")
    Duration reuseDelay();

    /** The change log's retention. */
    History history();

    /** How long the change log keeps its events. */
    interface History {
        /** Events older than this are pruned (at least once a minute). */
        @WithDefault("7d")
        Duration retention();

        /** At most this many events are kept; the oldest beyond it are pruned. */
        @WithDefault("1000000")
        long maxEvents();
    }

    /** Ports that are never handed out, whatever is asked. */
    Optional<Set<Integer>> reservedPorts();

    /**
     * Port range per service type ({@code rest-api=8080-8099}); built-in types not named keep the spec's range, and
     * any other name defines a service type of its own ({@code ml-model=7000-7009}).
     */
    Map<String, @WithConverter(ConfigConverters.Range.class) PortRange> ranges();

    /**
     * Where the machine's ephemeral port range is read ({@code FIRST LAST}), to warn of ranges that overlap it; a
     * file that cannot be read means no range overlaps.
     */
    @WithDefault("/proc/sys/net/ipv4/ip_local_port_range")
    String ephemeralRangeFile();

    /** Static reservations, {@code <service-name>=<type>:<port>}: shown as Reserved, never expire. */
    @WithName("static")
    Map<String, @WithConverter(ConfigConverters.Reservation.class) ReservedPort> staticReservations();

    /** Skip ports that another process on this host already listens on (turn off when serving remote hosts). */
    @WithDefault("true")
    @WithConverter(ConfigConverters.Switch.class)
    boolean bindCheck();

    /** What the registry makes of its hosts' agents' reports ({@code sirsi-nexus agent}). */
    Agents agents();

    /** Host agents: when an allocation counts as not listening, what follows, when a silent host counts as dark. */
    interface Agents {
        /**
         * Consecutive reports without a listener on an Active allocation's port before it shows
         * {@code "listening": false}: no decision rests on one missed scan.
         */
        @WithDefault("3")
        int notListeningAfter();

        /** What follows when an allocation is not listening: none, or release it (freeing its port). */
        @WithDefault("none")
        @WithConverter(ConfigConverters.NotListening.class)
        NotListeningAction notListeningAction();

        /**
         * Failed runs of an allocation's check in a row before it is critical (and leaves discovery): one failed
         * connection is not an outage. Consul's {@code failures_before_critical} defaults to 0.
         */
        @WithDefault("3")
        int checkFailuresBeforeCritical();

        /** Passing runs in a row before a failing check is passing again (a first pass counts at once). */
        @WithDefault("2")
        int checkPassesBeforePassing();

        /** A host whose agent has reported before and not for this long is dark: its allocations are held. */
        @WithDefault("30s")
        Duration darkAfter();
    }

    /** {@code sirsi.ports.agents.not-listening-action}. */
    enum NotListeningAction { none, release }
}
