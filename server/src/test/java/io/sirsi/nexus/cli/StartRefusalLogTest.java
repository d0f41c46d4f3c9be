package io.sirsi.nexus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * What the log keeps of Quarkus's account of an HTTP port Vert.x found taken (the start's own check found it free a
 * moment before, so the packaged tests cannot make it happen at will): Quarkus's ERROR line, as the refusal's one
 * line naming the port; not the advice after it.
 */
class StartRefusalLogTest {

    private static final String QUARKUS_START = "io.quarkus.runtime.Application";

    private static ExtLogRecord record(Level level, String format, Object... parameters) {
        ExtLogRecord record = new ExtLogRecord(level, format, ExtLogRecord.FormatStyle.PRINTF, QUARKUS_START);
        record.setLoggerName(QUARKUS_START);
        record.setParameters(parameters);
        return record;
    }

    @Test
    void aPortVertxFoundTakenIsOneErrorLineNamingIt() {
        ExtLogRecord error = record(Level.SEVERE, "Port %d seems to be in use by another process. Quarkus may already"
                + " be running or the port is used by another application.", 18080);
        assertTrue(new StartRefusalLog().isLoggable(error));
        assertEquals("Failed to start application: quarkus.http.port: port 18080 is in use by another process; stop"
                + " it or choose another port", error.getFormattedMessage());
    }

    @Test
    void theAdviceAfterItIsLeftOut() {
        assertFalse(new StartRefusalLog().isLoggable(record(Level.WARNING, "Use 'ss -anop | grep 18080' or"
                + " 'netstat -anop | grep 18080' or 'lsof -i :18080' to identify the process occupying the port.")));
        assertFalse(new StartRefusalLog().isLoggable(record(Level.WARNING,
                "You can try to kill it with 'kill -9 <pid>'.")));
    }
}
