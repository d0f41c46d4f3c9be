package io.sirsi.nexus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records every log record of the application under test (same JVM) that carries a stack trace, so that a test
 * can say "and the log holds no stack trace". Attached to the root logger, where every record passes.
 */
public final class LogCapture extends Handler {

    private static final LogCapture INSTANCE = new LogCapture();
    private final List<LogRecord> traces = new CopyOnWriteArrayList<>();

    /** The capture, attached to the root logger (again, if the application's start replaced its handlers). */
    public static LogCapture attached() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler == INSTANCE) {
                return INSTANCE;
            }
        }
        root.addHandler(INSTANCE);
        return INSTANCE;
    }

    /** Forgets what was recorded. */
    public void clear() {
        traces.clear();
    }

    /** The records with a stack trace since the last {@link #clear}, described. */
    public List<String> stackTraces() {
        return traces.stream().map(record -> record.getLoggerName() + ": " + record.getMessage() + ": "
                + record.getThrown()).toList();
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getThrown() != null) {
            traces.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
