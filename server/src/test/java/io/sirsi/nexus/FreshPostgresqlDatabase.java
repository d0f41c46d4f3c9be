package io.sirsi.nexus;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.StartupEvent;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.registry.RegistryConfig.StoreKind;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * In the PostgreSQL run of the API suite, every start of the application begins on an empty database, as every
 * start on SQLite begins on a fresh file; dropping the tables also runs the migration on PostgreSQL each time.
 * Observes start-up before {@link io.sirsi.nexus.registry.PortRegistry} opens the store.
 */
@ApplicationScoped
public class FreshPostgresqlDatabase {

    void emptyDatabase(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
            RegistryConfig config, @DataSource("postgresql") Instance<AgroalDataSource> postgresql) throws SQLException {
        if (config.store() != StoreKind.POSTGRESQL) {
            return;
        }
        try (Connection connection = postgresql.get().getConnection()) {
            TestPostgresql.dropTables(connection);
        }
    }
}
