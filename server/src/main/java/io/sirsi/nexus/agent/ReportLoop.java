package io.sirsi.nexus.agent;

import io.sirsi.nexus.wire.HostReport;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The agent's loop: scan, send, wait an interval; while the registry is down, wait longer each time (doubling up to
 * {@link #MAX_BACKOFF}) and say so once per failed report on stderr. Every report is a full snapshot, so nothing is
 * queued while the registry is away and nothing is repeated when it comes back: the next report says it all.
 */
public final class ReportLoop {

    /** The longest wait between two attempts while the registry is down. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** Sends one report; throws with a one-line message when it is not accepted. */
    @FunctionalInterface
    public interface Sender {
        void send(HostReport report) throws Exception;
    }

    /** Waits between reports: {@link Thread#sleep} in the agent, a recorder in tests. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final HostScanner scanner;
    private final Sender sender;
    private final Duration interval;
    private final PrintStream err;
    private final Pause pause;
    private int failures;

    public ReportLoop(HostScanner scanner, Sender sender, Duration interval, PrintStream err, Pause pause) {
        this.scanner = scanner;
        this.sender = sender;
        this.interval = interval;
        this.err = err;
        this.pause = pause;
    }

    /** Reports until interrupted, or {@code reports} times when positive. */
    public void run(long reports) throws InterruptedException {
        for (long sent = 0; reports <= 0 || sent < reports; sent++) {
            boolean last = reports > 0 && sent + 1 == reports;
            report(last);
            if (!last) {
                pause.pause(nextWait());
            }
        }
    }

    /** One scan and one report; true when the registry accepted it. */
    public boolean reportOnce() {
        return report(false);
    }

    /** One scan and one report; a failure says when the next comes, or that none does ({@code --reports}). */
    private boolean report(boolean last) {
        try {
            sender.send(scanner.scan());
            if (failures > 0) {
                err.println("sirsi-nexus agent: reporting again after " + failures + " failed report(s)");
            }
            failures = 0;
            return true;
        } catch (Exception failure) {
            failures++;
            err.println("sirsi-nexus agent: report failed (" + failures + " in a row, "
                    + (last ? "the last of --reports" : "next in " + nextWait().toSeconds() + "s") + "): "
                    + failure.getMessage());
            return false;
        }
    }

    /** The interval, or after failures the interval doubled per failure, capped at {@link #MAX_BACKOFF}. */
    Duration nextWait() {
        if (failures == 0) {
            return interval;
        }
        Duration wait = interval;
        for (int i = 0; i < failures && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? (interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF)
                : wait;
    }
}
