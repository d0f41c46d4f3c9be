package io.sirsi.nexus.cli;

import io.quarkus.logging.LoggingFilter;
import io.sirsi.nexus.registry.RegistryException;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * A start the registry itself refused, with a message that says why and what to do (another registry holds the
 * data directory, a setting it cannot use), is logged as one line: the stack trace Quarkus attaches says nothing
 * more, and an operator reading a crash-looping pod's log should see the reason, not 25 lines of frames. Failures
 * the registry did not foresee keep their trace.
 */
@LoggingFilter(name = StartRefusalLog.NAME)
public final class StartRefusalLog implements Filter {

    static final String NAME = "sirsi-start-refusal";
    private static final String QUARKUS_START = "io.quarkus.runtime.Application";

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (thrown != null && QUARKUS_START.equals(record.getLoggerName())
                && rootCause(thrown) instanceof RegistryException refusal) {
            String line = "Failed to start application: " + refusal.getMessage();
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(line, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(line);
                record.setParameters(null);
            }
            record.setThrown(null);
        }
        return true;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
