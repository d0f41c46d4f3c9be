package io.sirsi.nexus.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running watch of {@code /ports/events}: one daemon thread reads the Server-Sent Events and hands each change to
 * its {@link WatchListener}. When the stream breaks it reconnects with {@code Last-Event-ID} set to the last
 * revision delivered (or the revision the stream said it started after, or that a keep-alive said the watch had read
 * up to, past events its filter passed over), with a growing pause between tries, so no event is lost or repeated.
 * A stream silent for longer than three of the registry's 15-second keep-alives counts as broken. {@link #close()}
 * stops it.
 */
public final class Watch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Watch.class.getName());
    /** The registry's first comment: "watching the change log after revision N". */
    private static final Pattern STARTED = Pattern.compile("after revision (\\d+)");
    private static final Duration SILENCE = Duration.ofSeconds(45);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final Transport transport;
    private final WatchOptions options;
    private final WatchListener listener;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile InputStream open;
    private volatile long lastRead;
    private volatile long lastRevision = -1;
    /** Whether the last connection was opened (its stream then broke): the pauses start afresh after it. */
    private boolean wasOpen;

    Watch(Transport transport, WatchOptions options, WatchListener listener) {
        this.transport = transport;
        this.options = options;
        this.listener = listener;
        if (options.since() != null) {
            lastRevision = options.since();
        }
        this.thread = new Thread(this::run, "sirsi-watch" + (options.service() == null ? "" : "-" + options.service()));
        thread.setDaemon(true);
    }

    Watch start() {
        thread.start();
        return this;
    }

    /**
     * The revision of the last event delivered, or the one the stream started after or a keep-alive said it had read
     * up to, if later; empty before any.
     */
    public OptionalLong lastRevision() {
        long revision = lastRevision;
        return revision < 0 ? OptionalLong.empty() : OptionalLong.of(revision);
    }

    /** Stops the watch; no event is delivered after this returns (unless called from the listener itself). */
    @Override
    public void close() {
        closed = true;
        closeStream();
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Duration pause = FIRST_PAUSE;
        try {
            while (!closed) {
                wasOpen = false;
                Throwable cause = followOnce();
                if (cause == null) {
                    return;
                }
                if (wasOpen) {
                    pause = FIRST_PAUSE; // it was open, however it broke: the pauses start afresh
                }
                if (!closed) {
                    tell("onDisconnected", () -> listener.onDisconnected(cause));
                }
                if (!closed) { // the listener may have closed the watch
                    Duration wait = pause;
                    tell("onRetrying", () -> listener.onRetrying(cause, wait));
                    Thread.sleep(pause.toMillis()); // a pause between reconnections, not a wait for a condition
                    pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** One connection, followed until it breaks: why it broke, or null when the watch has ended for good. */
    private Throwable followOnce() throws InterruptedException {
        try {
            follow();
            return new IOException("the registry ended the stream");
        } catch (IOException e) {
            return e;
        } catch (RegistryException e) {
            if (passing(e)) {
                return e;
            }
            if (!closed) {
                tell("onFailed", () -> listener.onFailed(e));
            }
            return null;
        } catch (IllegalStateException e) {
            if (transport.isClosed()) {
                return null; // the client was closed under the watch: nothing more can come
            }
            throw e;
        }
    }

    /**
     * Whether a refusal will likely pass by itself: the registry unavailable (503, starting or failing over), a proxy
     * in front of it that cannot reach it (502, 504; both are {@link RegistryUnavailableException}s too), or too many
     * requests (429).
     */
    private static boolean passing(RegistryException refusal) {
        return refusal instanceof RegistryUnavailableException || refusal instanceof RateLimitedException;
    }

    /** One connection: returns when the stream ends, throws when it cannot open or breaks. */
    private void follow() throws IOException, InterruptedException {
        Map<String, Object> query = options.parameters();
        Map<String, String> headers = lastRevision >= 0 ? Map.of("Last-Event-ID", Long.toString(lastRevision))
                : Map.of();
        HttpResponse<InputStream> response = transport.stream("/ports/events", query, headers);
        if (response.statusCode() != 200) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readAllBytes();
            }
            throw transport.problem(response.statusCode(), response.headers(), body);
        }
        open = response.body();
        wasOpen = true;
        lastRead = System.nanoTime();
        Thread watchdog = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(open, StandardCharsets.UTF_8))) {
            watchdog = startWatchdog();
            readEvents(lines);
        } catch (IOException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            open = null;
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
    }

    private void readEvents(BufferedReader lines) throws IOException {
        String id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null && !closed) {
            lastRead = System.nanoTime();
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    deliver(id, data.toString());
                } else if (id != null) {
                    progressed(id);
                }
                id = null;
                type = null;
                data.setLength(0);
            } else if (line.startsWith(":")) {
                Matcher started = STARTED.matcher(line);
                if (started.find()) {
                    long after = Long.parseLong(started.group(1));
                    if (lastRevision < 0) {
                        lastRevision = after;
                    }
                    tell("onConnected", () -> listener.onConnected(after));
                }
            } else if (line.startsWith("id:")) {
                id = value(line);
            } else if (line.startsWith("event:")) {
                type = value(line);
            } else if (line.startsWith("data:")) {
                data.append(data.length() > 0 ? "\n" : "").append(value(line));
            }
        }
        LOG.log(Level.DEBUG, "event stream ended after revision {0} (last event type {1})",
                String.valueOf(lastRevision), type);
    }

    /**
     * An id with no data: the registry's keep-alive saying how far the watch has read, past events the filter passed
     * over. Resuming from there never asks for them again (the log may have pruned them since).
     */
    private void progressed(String id) {
        try {
            long readUpTo = Long.parseLong(id);
            if (readUpTo > lastRevision) {
                lastRevision = readUpTo;
            }
        } catch (NumberFormatException notOurs) {
            LOG.log(Level.DEBUG, "ignored an event stream id that is no revision: {0}", id);
        }
    }

    private void deliver(String id, String data) throws IOException {
        ChangeEvent event = transport.json().readValue(data, ChangeEvent.class);
        if (event.revision() <= lastRevision) {
            return; // already delivered before a resume
        }
        lastRevision = id != null ? Long.parseLong(id) : event.revision();
        try {
            listener.onEvent(event, data);
        } catch (RuntimeException bug) {
            // the listener's failure is its own: the watch goes on, or every later event would be lost to it too
            LOG.log(Level.ERROR, "the listener of " + thread.getName() + " failed on the " + event.type()
                    + " event at revision " + lastRevision + "; the watch goes on with the next event", bug);
        }
    }

    /** Calls the listener outside {@code onEvent}: its failure is logged, and the watch goes on. */
    private void tell(String callback, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException bug) {
            LOG.log(Level.ERROR, "the listener of " + thread.getName() + " failed in " + callback
                    + "; the watch goes on", bug);
        }
    }

    private static String value(String line) {
        String value = line.substring(line.indexOf(':') + 1);
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    /** Closes a stream that has said nothing (not even a keep-alive) for too long: the connection is dead. */
    private Thread startWatchdog() {
        Thread watchdog = new Thread(() -> {
            try {
                while (open != null && !closed) {
                    Thread.sleep(1000); // a periodic check of the last read, not a wait for a condition
                    if (System.nanoTime() - lastRead > SILENCE.toNanos()) {
                        LOG.log(Level.INFO, "the event stream was silent for {0} s; reconnecting",
                                SILENCE.toSeconds());
                        closeStream();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, thread.getName() + "-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    private void closeStream() {
        InputStream stream = open;
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the event stream", e);
            }
        }
    }
}
