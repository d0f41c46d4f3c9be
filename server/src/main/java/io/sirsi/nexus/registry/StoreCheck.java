package io.sirsi.nexus.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.jboss.logging.Logger;

/**
 * Whether the store answers and takes writes, as readiness, {@code /ports/health} and the store gauge ask it. While
 * the store is down each check costs a probe write ({@link AllocationStore#ping}), and a kubelet probes every few
 * seconds: a failure less than {@link #FRESH} old answers again without one. The outage is logged when a check first
 * finds it, at most once every {@link #REMINDER} while it lasts, and when a check finds the store back; not on every
 * probe, which flooded the log with three lines a call.
 */
final class StoreCheck {

    private static final Logger LOG = Logger.getLogger(StoreCheck.class);
    static final Duration FRESH = Duration.ofSeconds(1);
    static final Duration REMINDER = Duration.ofMinutes(1);

    private record Failure(StoreUnavailableException failure, Instant at) {
    }

    private final AllocationStore store;
    private final InstantSource clock;
    private volatile Failure last;
    /** When the outage began and when it was last logged; null while the store is up. Guarded by this. */
    private Instant since;
    private Instant logged;

    StoreCheck(AllocationStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Returns while the store is up; throws the failure that says why it is not. */
    void check() {
        Failure recent = last;
        if (recent != null && clock.instant().isBefore(recent.at().plus(FRESH))) {
            throw recent.failure();
        }
        try {
            store.ping();
        } catch (StoreUnavailableException down) {
            failed(down, clock.instant());
            throw down;
        }
        if (last != null) {
            recovered(clock.instant());
        }
    }

    private synchronized void failed(StoreUnavailableException down, Instant now) {
        last = new Failure(down, now);
        if (since == null) {
            since = now;
            logged = now;
            LOG.errorf("The store is down: %s; not ready until it answers and takes writes again (said again at most"
                    + " once a minute while it lasts)", why(down));
        } else if (!now.isBefore(logged.plus(REMINDER))) {
            logged = now;
            LOG.errorf("The store is still down, for %s now: %s", Durations.written(Duration.between(since, now)),
                    why(down));
        }
    }

    private synchronized void recovered(Instant now) {
        last = null;
        if (since != null) {
            LOG.infof("The store is up again, after %s down", Durations.written(Duration.between(since, now)));
            since = null;
        }
    }

    /** The registry's message and the database's, which names what failed. */
    private static String why(StoreUnavailableException down) {
        Throwable cause = down.getCause();
        return cause == null || cause.getMessage() == null ? down.getMessage()
                : down.getMessage() + " (" + cause.getMessage().strip() + ")";
    }
}
