package io.sirsi.nexus.store;

import java.sql.SQLException;

/**
 * A transaction's turn at the database's write lock, from {@link Dialect#beginWithWriteLock}: taken before the
 * transaction begins, {@link #beforeEnd} just before it commits or rolls back, {@link #close} once it has.
 */
interface WriteTurn extends AutoCloseable {

    /** For a dialect with nothing to take. */
    WriteTurn NONE = new WriteTurn() {
        @Override
        public void beforeEnd() {
        }

        @Override
        public void close() {
        }
    };

    /** Undoes what must not outlive the transaction on its connection; the driver begins the next one at commit. */
    void beforeEnd() throws SQLException;

    /** Lets the next writer of this process in. */
    @Override
    void close();
}
