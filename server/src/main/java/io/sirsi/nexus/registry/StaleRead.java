package io.sirsi.nexus.registry;

import java.time.Duration;

/**
 * The answer of a stale read ({@code ?stale}): read from this process's index without waiting for the change log,
 * so on a replica it may miss what others committed in the last moment.
 *
 * @param revision the change-log revision the answer is at least as new as
 * @param lag      how far behind the log's head the index may be: zero on a store of this process alone
 */
public record StaleRead<T>(T answer, long revision, Duration lag) {
}
