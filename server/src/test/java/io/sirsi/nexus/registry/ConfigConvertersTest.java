package io.sirsi.nexus.registry;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The converters SmallRye Config runs on {@code sirsi.ports} values: what they accept, and that what they refuse
 * says what is expected without a Java type's name (the configuration layer adds the key and the value).
 */
class ConfigConvertersTest {

    @Test
    void aStrategyIsOneOfItsNames() {
        ConfigConverters.Strategy strategies = new ConfigConverters.Strategy();
        assertEquals(PlacementStrategy.FIRST_FREE, strategies.convert("first-free"));
        assertEquals(PlacementStrategy.SAME_PORT, strategies.convert(" same-port "));
        for (String wrong : List.of("FIRST_FREE", "first_free", "Random", "banana")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> strategies.convert(wrong), wrong);
            assertEquals("expected one of first-free, random, same-port, sticky", refused.getMessage());
        }
    }

    @Test
    void aStoreIsSqliteOrPostgresql() {
        ConfigConverters.Store stores = new ConfigConverters.Store();
        assertEquals(RegistryConfig.StoreKind.SQLITE, stores.convert("sqlite"));
        assertEquals(RegistryConfig.StoreKind.POSTGRESQL, stores.convert("postgresql"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> stores.convert("mysql"));
        assertEquals("expected one of sqlite, postgresql", refused.getMessage());
    }

    @Test
    void aRangeIsTwoPortsOrOne() {
        ConfigConverters.Range ranges = new ConfigConverters.Range();
        assertEquals(new PortRange(7000, 7009), ranges.convert("7000-7009"));
        assertEquals(new PortRange(7000, 7009), ranges.convert(" 7000 - 7009 "));
        assertEquals(new PortRange(8090, 8090), ranges.convert("8090"));
        for (String wrong : List.of("7009-7000", "0-10", "7000-70000", "seven", "", "7000-", "-7000", "1-2-3",
                "123456")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ranges.convert(wrong), wrong);
            assertThat(refused.getMessage(), containsString("invalid port range"));
        }
    }

    @Test
    void aStaticReservationIsATypeAndAPort() {
        ConfigConverters.Reservation reservations = new ConfigConverters.Reservation();
        assertEquals(new ReservedPort("database", 5432), reservations.convert("database:5432"));
        assertEquals(new ReservedPort("ml-batch", 7014), reservations.convert(" ml-batch : 7014 "));
        for (String wrong : List.of("database", "database:", ":5432", "database:0", "database:65536",
                "database:54x", "database:5432:1", "a b:1")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> reservations.convert(wrong), wrong);
            assertEquals("expected <type>:<port> with a port 1-65535, e.g. database:5432", refused.getMessage());
        }
    }
}
