package io.sirsi.nexus.cli;

import io.quarkus.logging.LoggingFilter;
import io.sirsi.nexus.registry.RegistryException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;

/**
 * A start the registry refused for a reason it states (another registry holds the data directory, a setting it
 * cannot use, a database it cannot open or migrate) is one line in the log, {@code Failed to start application:
 * <why>}, as {@link SirsiNexusMain}'s exit handler says it on stderr: the stack trace Quarkus attaches says nothing
 * more, and an operator reading a crash-looping pod's log should see the reason, not 25 lines of frames. Failures
 * the registry did not foresee (a bug: a null pointer, a class cast) keep their trace: that is what a bug report
 * needs.
 */
@LoggingFilter(name = StartRefusalLog.NAME)
public final class StartRefusalLog implements Filter {

    static final String NAME = "sirsi-start-refusal";
    private static final String QUARKUS_START = "io.quarkus.runtime.Application";
    /**
     * The kinds a refusal comes as: the registry's own, the checks of settings and of stored data
     * ({@code IllegalArgumentException}, {@code IllegalStateException}), SmallRye Config's missing or unconvertible
     * values, and a database or file the store cannot open.
     */
    private static final List<Class<? extends Throwable>> REFUSALS = List.of(RegistryException.class,
            IllegalArgumentException.class, IllegalStateException.class, NoSuchElementException.class,
            SQLException.class, IOException.class);
    private static final String CONFIG_VALIDATION = "io.smallrye.config.ConfigValidationException";

    /**
     * What Quarkus logs when Vert.x finds the HTTP port taken (the start's own check, {@code api/HttpPortCheck},
     * found it free a moment before): the ERROR that the port "seems to be in use", then where to look and to
     * {@code kill -9} the holder, advice no operator of a registry should follow on a hunch. The ERROR becomes the
     * refusal's one line, naming the port as the start's check does; the advice is left out. The ERROR is the only
     * line there: the failure itself is not logged with it.
     */
    private static final String PORT_IN_USE = "Port %d seems to be in use";
    private static final List<String> PORT_IN_USE_HINTS = List.of("Use 'ss ", "Use 'netstat ", "Use 'lsof ",
            "You can try to kill it");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (QUARKUS_START.equals(record.getLoggerName()) && record.getThrown() == null && message != null) {
            if (PORT_IN_USE_HINTS.stream().anyMatch(message::startsWith)) {
                return false;
            }
            if (message.startsWith(PORT_IN_USE) && record.getParameters() != null
                    && record.getParameters().length > 0) {
                Object port = record.getParameters()[0];
                rewrite(record, "Failed to start application: " + portKey(port) + ": port " + port
                        + " is in use by another process; stop it or choose another port");
            }
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && QUARKUS_START.equals(record.getLoggerName()) && isRefusal(thrown)) {
            rewrite(record, "Failed to start application: " + SirsiNexusMain.reason(thrown));
            record.setThrown(null);
        }
        return true;
    }

    private static void rewrite(LogRecord record, String line) {
        if (record instanceof ExtLogRecord ext) {
            ext.setMessage(line, ExtLogRecord.FormatStyle.NO_FORMAT);
        } else {
            record.setMessage(line);
        }
        record.setParameters(null);
    }

    /** Which setting names the port: Quarkus's line says only the number. */
    private static String portKey(Object port) {
        try {
            boolean https = ConfigProvider.getConfig().getOptionalValue("quarkus.http.ssl-port", Integer.class)
                    .orElse(8443).toString().equals(String.valueOf(port));
            return https ? "quarkus.http.ssl-port" : "quarkus.http.port";
        } catch (RuntimeException noConfig) {
            return "quarkus.http.port or quarkus.http.ssl-port";
        }
    }

    /** Whether a failed start is one the registry foresaw: its root cause, or a configuration check on the way. */
    static boolean isRefusal(Throwable failure) {
        Throwable root = failure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (CONFIG_VALIDATION.equals(cause.getClass().getName())) {
                return true;
            }
            root = cause;
        }
        Throwable last = root;
        return REFUSALS.stream().anyMatch(kind -> kind.isInstance(last));
    }
}
