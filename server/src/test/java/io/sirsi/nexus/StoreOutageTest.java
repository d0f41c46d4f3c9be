package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness while the store is down, probed as a kubelet probes it: a probe write at most once a second, whatever
 * the number of probes, and the outage logged when it starts, once a minute while it lasts and when it ends, not
 * three lines a probe. On the test's clock, which moves only when the test says.
 */
@QuarkusTest
@TestProfile(StoreOutageProfile.class)
class StoreOutageTest {

    @Inject
    WriteFailingStore store;

    @Inject
    TestClock clock;

    private final Lines lines = new Lines();

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(lines);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("").removeHandler(lines);
        store.comeBack();
    }

    @Test
    void anOutageCostsAProbeASecondAndALineWhenItStartsAMinuteAndWhenItEnds() {
        ready(200);
        store.goDown();
        int before = store.pings();
        for (int probe = 0; probe < 5; probe++) {
            ready(503);
        }
        assertEquals(1, store.pings() - before, "one probe write answers the probes of its second");
        assertEquals(List.of("The store is down"), lines.about("The store is"));

        clock.advance(Duration.ofSeconds(2));
        ready(503);
        assertEquals(2, store.pings() - before, "a result 2 s old is asked again");
        assertEquals(List.of("The store is down"), lines.about("The store is"));

        clock.advance(Duration.ofSeconds(61));
        ready(503);
        assertEquals(List.of("The store is down", "The store is still down"), lines.about("The store is"));

        store.comeBack();
        clock.advance(Duration.ofSeconds(2));
        ready(200);
        ready(200);
        assertEquals(List.of("The store is down", "The store is still down", "The store is up again"),
                lines.about("The store is"));
        assertEquals(List.of(), lines.from("io.smallrye.health"), "SmallRye's report of every DOWN answer");
    }

    /** A scheduled job failing every second while the store is down: one WARN, not one a second. */
    @Test
    void aJobThatFailsEverySecondLogsItOnceAMinute() {
        clock.advance(Duration.ofSeconds(61)); // past the window of any earlier failure
        store.goDown();
        int before = store.markAliveFailures();
        await().atMost(Duration.ofSeconds(60)).until(() -> store.markAliveFailures() - before >= 3);
        assertEquals(List.of("Could not record that the registry is alive"),
                lines.about("Could not record that the registry is alive"));
    }

    private static void ready(int status) {
        given().get("/q/health/ready").then().statusCode(status);
    }

    /** The log records of this JVM at INFO or above, as their messages' first words. */
    private static final class Lines extends Handler {

        private final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                records.add(record);
            }
        }

        /** The messages that begin with the words, up to their first colon or comma. */
        List<String> about(String words) {
            return records.stream().map(LogRecord::getMessage).filter(message -> message.startsWith(words))
                    .map(message -> message.split("[:,]")[0]).toList();
        }

        List<String> from(String loggerPrefix) {
            return records.stream().filter(record -> record.getLoggerName() != null
                    && record.getLoggerName().startsWith(loggerPrefix)).map(LogRecord::getMessage).toList();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
