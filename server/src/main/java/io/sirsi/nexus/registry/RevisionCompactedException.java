package io.sirsi.nexus.registry;

/** A watch asked for events that the change log no longer holds; the client should read the directory again. */
public class RevisionCompactedException extends RegistryException {

    private final long oldest;

    public RevisionCompactedException(long after, long oldest) {
        super(Reason.GONE, "the change log no longer holds the events after revision " + after + ": the oldest"
                + " retained revision is " + oldest + "; read /ports/directory again and watch from its"
                + " X-Sirsi-Index");
        this.oldest = oldest;
    }

    public long oldest() {
        return oldest;
    }
}
