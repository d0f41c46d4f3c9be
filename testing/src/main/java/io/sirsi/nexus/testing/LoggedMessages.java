package io.sirsi.nexus.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages one class's logger (java.util.logging, which {@code System.Logger} and JBoss Logging reach in a test's
 * JVM) records while attached, for a test that asserts what a component said. Holds its logger, so that the logger
 * and the handler on it are not collected while attached.
 */
public final class LoggedMessages extends Handler {

    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LoggedMessages(Logger logger) {
        this.logger = logger;
    }

    /** A capture of what {@code source}'s logger records, not yet attached. */
    public static LoggedMessages of(Class<?> source) {
        return new LoggedMessages(Logger.getLogger(source.getName()));
    }

    /** Starts recording. */
    public void attach() {
        logger.addHandler(this);
    }

    /** Stops recording. */
    public void detach() {
        logger.removeHandler(this);
    }

    /** What was recorded so far, as logged (the pattern, for a message with parameters): a live view. */
    public List<String> messages() {
        return messages;
    }

    @Override
    public void publish(LogRecord record) {
        messages.add(record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
