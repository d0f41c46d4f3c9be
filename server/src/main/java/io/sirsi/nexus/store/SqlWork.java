package io.sirsi.nexus.store;

import java.sql.SQLException;

/** Work done in a transaction; a {@link SQLException} it throws is translated once, by {@link StoreTransactions}. */
@FunctionalInterface
interface SqlWork<T> {

    T run(StoreTransaction transaction) throws SQLException;
}
