package io.sirsi.nexus.registry;

/**
 * A watch asked for events after a revision the change log has not reached: the client's revision comes from
 * another log (a data directory reset or restored since) or was made up. A conflict with the log's state, not a
 * malformed request: the same number was, or will be, valid for another log. The client must read the directory
 * again and watch from its revision; waiting would miss every event up to the one it named.
 */
public class RevisionAheadException extends RegistryException {

    public RevisionAheadException(long after, long head) {
        super(Reason.CONFLICT, "the change log has not reached revision " + after + ": its newest revision is "
                + head + " (was the registry's data reset or restored?); read /ports/directory again and watch from"
                + " its X-Sirsi-Index");
    }
}
