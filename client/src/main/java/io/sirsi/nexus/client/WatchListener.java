package io.sirsi.nexus.client;

import java.time.Duration;

/**
 * Receives a watch's events, in revision order, each once, on the watch's own thread: a slow listener slows the
 * watch (the registry drops a stream that falls far behind; the watch then resumes where it was, losing nothing).
 *
 * <p>An exception thrown by {@link #onEvent} is logged (at ERROR, with the event's revision) and the watch goes on
 * with the next event: that event counts as delivered and is not handed over again. A listener that must not miss a
 * change handles its own failures (or closes the watch and starts a new one from the revision it last applied). An
 * exception from any other of these methods is logged as well, and the watch goes on.
 */
public interface WatchListener {

    /** The next change. */
    void onEvent(ChangeEvent event);

    /**
     * The next change, with its {@code data} as the registry sent it: one line of JSON, fields a newer registry adds
     * included. Override this one to keep the registry's own text (to print or forward it unchanged); by default it
     * hands on the event alone, to {@link #onEvent(ChangeEvent)}.
     *
     * @param event the change, read
     * @param json the change as the registry wrote it
     */
    default void onEvent(ChangeEvent event, String json) {
        onEvent(event);
    }

    /** The stream is open and follows the change log after this revision (on the first connection and each resume). */
    default void onConnected(long afterRevision) {
    }

    /** The stream broke (the registry restarted, the network failed); the watch reconnects by itself. */
    default void onDisconnected(Throwable cause) {
    }

    /**
     * The watch will try to connect again after this pause, resuming after {@link Watch#lastRevision()}: told once
     * per try, after {@link #onDisconnected}, so that a user can be told how long the wait is. The pauses grow from
     * a tenth of a second to five seconds while the registry stays away, and start afresh once a stream was open.
     *
     * @param cause why the last connection ended or could not be made: an {@link java.io.IOException}, or a refusal
     *        that passes by itself ({@link RegistryUnavailableException}, {@link RateLimitedException}, a proxy's
     *        502 or 504)
     * @param pause how long the watch waits before its next try
     */
    default void onRetrying(Throwable cause, Duration pause) {
    }

    /**
     * The watch stopped for good: the registry refused to resume it (a {@link RevisionCompactedException} when the
     * events since the last one were pruned, an {@link AccessDeniedException}, an {@link InvalidRequestException}).
     */
    default void onFailed(RegistryException failure) {
    }
}
