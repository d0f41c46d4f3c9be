package io.sirsi.nexus.store;

/** How a transaction begins. */
enum Begin {

    /** Takes locks as its statements need them: for reads, and for work whose first statement writes. */
    DEFERRED,

    /**
     * Takes the database's write lock at its start, on SQLite ({@code BEGIN IMMEDIATE}), waiting for it as long as
     * the busy timeout allows. For work that reads before it writes: a SQLite transaction holding a read snapshot
     * cannot wait for the write lock (SQLITE_BUSY at once, as a deadlock could follow), and cannot take it at all
     * once another connection has written since its snapshot (SQLITE_BUSY_SNAPSHOT). PostgreSQL needs neither.
     */
    WRITE_LOCK_FIRST,

    /**
     * No transaction around the work: for one read statement, which is a transaction by itself (autocommit). On
     * PostgreSQL that saves the commit's round trip, which the log follower's read of the head paid on every lookup
     * of a replica (issue 23).
     */
    SINGLE_READ
}
