package io.sirsi.nexus.store;

import java.sql.Connection;

/**
 * One open database transaction, handed explicitly to the table classes: its connection, and whether anything was
 * written in it. Only a transaction that wrote says anything about whether the store takes writes (the expiry pass
 * and the replicas' catch-up run host transactions every second that commit nothing), so write health reads
 * {@link #wrote} when the transaction ends.
 */
final class StoreTransaction {

    private final Connection connection;
    private boolean wrote;

    StoreTransaction(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /** Records that the work wrote (a row or an event); a batch of nothing leaves the flag as it was. */
    void wrote(boolean anything) {
        wrote |= anything;
    }

    boolean wrote() {
        return wrote;
    }
}
