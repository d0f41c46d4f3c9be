package io.sirsi.nexus.cli;

import io.quarkus.logging.LoggingFilter;
import io.sirsi.nexus.registry.RegistryException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * A start the registry refused for a reason it states (another registry holds the data directory, a setting it
 * cannot use, a database it cannot open or migrate) is said once, by {@link SirsiNexusMain}'s exit handler, as
 * {@code sirsi-nexus: cannot start: <why>} on stderr. Quarkus's own "Failed to start application" record, with its
 * 25 lines of frames, would only repeat it, so it is dropped. Failures the registry did not foresee (a bug: a null
 * pointer, a class cast) keep their record and trace: that is what a bug report needs.
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

    @Override
    public boolean isLoggable(LogRecord record) {
        return !(record.getThrown() != null && QUARKUS_START.equals(record.getLoggerName())
                && isRefusal(record.getThrown()));
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
