package io.sirsi.nexus.store;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/** The writer's statements are prepared once per connection and kept until a failure makes it forget them. */
class KeptStatementsTest {

    @Test
    void aStatementIsPreparedOnceAndPreparedAgainAfterAFailure() throws Exception {
        KeptStatements kept = new KeptStatements();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            PreparedStatement first = kept.of(connection).get("select 1");
            assertSame(first, kept.of(connection).get("select 1"), "kept from one group to the next");
            kept.forget(connection);
            assertTrue(first.isClosed(), "a forgotten statement is closed");
            assertNotSame(first, kept.of(connection).get("select 1"));
        }
    }
}
