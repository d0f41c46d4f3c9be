package io.sirsi.nexus.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * At most one log line per key (a status and a client, say) per window; the lines held back are counted and
 * reported with the next line of that key. Keys are held in a bounded cache: a flood of new clients cannot
 * exhaust memory, and a key dropped from it only logs once more than it would have. Serves the log lines that
 * repeat while something lasts: refused clients, a store that is down, a scheduled job that keeps failing.
 */
public final class LogThrottle {

    /** A line that is due: how many of its key were held back since the key's last line, which was at {@code since}. */
    public record Due(long heldBack, Optional<Instant> since) {

        /** What the line adds about the ones held back: empty when none were. */
        public String heldBackText(String what) {
            return heldBack == 0 ? "" : "; " + heldBack + " more " + what + " since " + since.orElseThrow()
                    + " were not logged";
        }
    }

    /** The window a key's last line opened, and the lines held back in it. Changed only under the map's lock. */
    private static final class Window {
        private final Instant opened;
        private long heldBack;

        Window(Instant opened) {
            this.opened = opened;
        }
    }

    private final InstantSource clock;
    private final Duration window;
    private final Cache<String, Window> windows;

    public LogThrottle(InstantSource clock, Duration window, int maxKeys) {
        this.clock = clock;
        this.window = window;
        this.windows = Caffeine.newBuilder().maximumSize(maxKeys).build();
    }

    /** A line for the key now: due (with what was held back before it), or empty when it is held back too. */
    public Optional<Due> admit(String key) {
        Instant now = clock.instant();
        Due[] due = new Due[1];
        windows.asMap().compute(key, (ignored, open) -> {
            if (open == null || !now.isBefore(open.opened.plus(window))) {
                due[0] = open == null ? new Due(0, Optional.empty()) : new Due(open.heldBack, Optional.of(open.opened));
                return new Window(now);
            }
            open.heldBack++;
            return open;
        });
        return Optional.ofNullable(due[0]);
    }
}
