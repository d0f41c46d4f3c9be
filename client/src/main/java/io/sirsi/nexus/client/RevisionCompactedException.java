package io.sirsi.nexus.client;

/**
 * HTTP 410: a watch asked to resume after a revision the registry no longer keeps (its change log was pruned).
 * Events were lost to this watcher: read the current state again, then watch from its revision.
 */
public class RevisionCompactedException extends RegistryException {

    /** The registry's answer. */
    public RevisionCompactedException(int status, String problemType, String title, String detail) {
        super(status, problemType, title, detail);
    }
}
