package io.sirsi.nexus.client;

/**
 * Receives a watch's events, in revision order, each once, on the watch's own thread: a slow listener slows the
 * watch (the registry drops a stream that falls far behind; the watch then resumes where it was, losing nothing).
 */
public interface WatchListener {

    /** The next change. */
    void onEvent(ChangeEvent event);

    /** The stream is open and follows the change log after this revision (on the first connection and each resume). */
    default void onConnected(long afterRevision) {
    }

    /** The stream broke (the registry restarted, the network failed); the watch reconnects by itself. */
    default void onDisconnected(Throwable cause) {
    }

    /**
     * The watch stopped for good: the registry refused to resume it (a {@link RevisionCompactedException} when the
     * events since the last one were pruned, an {@link AccessDeniedException}, an {@link InvalidRequestException}).
     */
    default void onFailed(RegistryException failure) {
    }
}
